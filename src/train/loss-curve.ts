/** The training loss curve: one row per step, written as CSV and as an SVG plot. */
import { linePlotSvg } from '../plot/index.js';

/** One training step's record. */
export interface LossCurveRow {
  readonly step: number;
  readonly learningRate: number;
  /** Loss including weight decay. */
  readonly totalLoss: number;
  /** Mean −MLS over the batch's genuine pairs. */
  readonly genuineLoss: number;
  readonly impostorLoss: number;
  readonly meanSigmaSq: number;
  /** Wall-clock seconds since the run (or its resumption) started. */
  readonly seconds: number;
}

const COLUMNS = ['step', 'learningRate', 'totalLoss', 'genuineLoss', 'impostorLoss', 'meanSigmaSq', 'seconds'] as const;

/** CSV with a header line; numbers with full precision. */
export function lossCurveCsv(rows: readonly LossCurveRow[]): string {
  return [COLUMNS.join(','), ...rows.map((r) => COLUMNS.map((c) => String(r[c])).join(','))].join('\n') + '\n';
}

/**
 * SVG plot of the genuine-pair loss per step and its moving average over `window` steps
 * (the per-step loss is noisy: every batch holds other identities).
 */
export function lossCurveSvg(rows: readonly LossCurveRow[], title: string, window = 50): string {
  const x = rows.map((r) => r.step);
  const y = rows.map((r) => r.genuineLoss);
  const smooth: number[] = [];
  let sum = 0;
  for (let k = 0; k < y.length; k++) {
    sum += y[k]!;
    if (k >= window) sum -= y[k - window]!;
    smooth.push(sum / Math.min(k + 1, window));
  }
  return linePlotSvg({
    title,
    xLabel: 'step',
    yLabel: 'mean −MLS of genuine pairs',
    series: [
      { name: 'per step', x, y, color: '#aec7e8' },
      { name: `moving average (${window} steps)`, x, y: smooth, color: '#1f77b4' },
    ],
  });
}
