/**
 * Output of a verification evaluation: a JSON-safe report, a Markdown table for the
 * terminal and docs/RESULTS.md, and an SVG ROC plot (log FAR axis).
 */
import { linePlotSvg, type PlotSeries } from '../plot/index.js';
import type { MethodEvaluation } from './pair-verification.js';

/** A method's result without the per-pair scores (for JSON). */
export function methodSummary(m: MethodEvaluation): Record<string, unknown> {
  return {
    method: m.method,
    description: m.description,
    ...(m.accuracy === undefined ? {} : { accuracy: m.accuracy }),
    tarAtFar: m.tarAtFar.map((t) => ({ far: t.far, tar: t.tar, threshold: t.threshold, achievedFar: t.achievedFar })),
    auc: m.auc,
    roc: m.roc,
  };
}

const pct = (x: number): string => (Number.isFinite(x) ? (100 * x).toFixed(2) : 'n/a');

/** One Markdown table row per method: accuracy (mean ± std over folds, when present), TAR at each FAR, AUC. */
export function methodsMarkdownTable(methods: readonly MethodEvaluation[], fars: readonly number[]): string {
  const hasAccuracy = methods.some((m) => m.accuracy !== undefined);
  const head = ['method', ...(hasAccuracy ? ['k-fold accuracy (%)'] : []), ...fars.map((f) => `TAR@FAR=${f} (%)`), 'AUC'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const m of methods) {
    const cells = [
      m.method,
      ...(hasAccuracy ? [m.accuracy === undefined ? 'n/a' : `${pct(m.accuracy.mean)} ± ${pct(m.accuracy.std)}`] : []),
      ...fars.map((f) => pct(m.tarAtFar.find((t) => t.far === f)?.tar ?? NaN)),
      m.auc.toFixed(4),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/**
 * ROC curves of the methods on a log FAR axis (each curve from its sampled ROC; points at
 * FAR below the data's resolution are dropped).
 */
export function rocPlotSvg(title: string, methods: readonly MethodEvaluation[], idPrefix = 'roc'): string {
  const series: PlotSeries[] = methods.map((m) => ({ name: m.method, x: m.roc.far, y: m.roc.tar }));
  const lowest = Math.min(...methods.map((m) => m.roc.far[0] ?? 1e-3));
  return linePlotSvg({
    title,
    xLabel: 'false accept rate',
    yLabel: 'true accept rate',
    xScale: 'log10',
    xDomain: [Math.min(lowest, 1e-3), 1],
    yDomain: [0, 1],
    legend: 'bottom-right',
    idPrefix,
    series,
  });
}
