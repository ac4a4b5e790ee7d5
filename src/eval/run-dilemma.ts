/**
 * The blurry-image dilemma on LFW (PFE paper, Fig. 1; seed slides 3 and 10): along the
 * degradation ladder, genuine pairs compare a clean image with a degraded image of the
 * same person and impostor pairs compare two degraded images of different people. With
 * a deterministic embedding the impostor scores are expected to rise towards (and above)
 * the genuine ones as quality drops; MLS should keep them apart.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { initBackend } from '../face/runtime/tfjs-runtime.js';
import { linePlotSvg, type PlotSeries } from '../plot/index.js';
import { failedPairFlags, dilemmaPairs, scoreDistribution, stackTables, type ScoreDistribution } from './degraded-protocols.js';
import { headGaussianSource, heldOutUncertainty } from './head-source.js';
import { imagesOfPairs, loadLfwBase, loadLfwVersion, type LfwSetup } from './lfw-setup.js';
import { imageFolds, imagesUsedByFold } from './pair-verification.js';
import { evaluatePairs } from './pairs-evaluation.js';
import { loadHeads, type HeadSelection } from './run-verification.js';
import { foldExcludedMean, type GaussianSource } from './verification-methods.js';
import { DEFAULT_BACKBONE } from '../face/backbone/names.js';
import { median, normSigmaBase, normSigmaSource } from './norm-sigma.js';
import { rawFeatureNorms, type ImageTable } from './image-table.js';

/** Mean clean σ² of the out-of-fold heads (dilemma run of 2026-11-28 06:36 UTC): the scale of the hand-made σ². */

/** One method at one ladder level. */
export interface DilemmaPoint {
  readonly level: number;
  readonly method: string;
  readonly distribution: ScoreDistribution;
  /** P(genuine score > impostor score): below 0.5 the impostors have overtaken the genuine pairs. */
  readonly auc: number;
  readonly tarAtFar: { far: number; tar: number }[];
  readonly accuracy: number | null;
}

/** Everything a dilemma run needs. */
export interface DilemmaJob {
  readonly setup: LfwSetup;
  readonly levels: readonly number[];
  readonly heads: HeadSelection;
  /**
   * Investigation instead of a head: σ² from the raw feature norm with this power
   * (normSigmaSource; base σ² = the out-of-fold heads' mean on clean images, normSigmaBase,
   * reference norm = median over the clean images).
   */
  readonly normSigmaPower?: number;
  readonly fars: readonly number[];
  readonly outDir: string;
  readonly log: (line: string) => void;
  readonly meta?: Readonly<Record<string, unknown>>;
}

/** Mean out-of-fold uncertainty (harmonic mean σ²) of the images the pairs use at one level. */
export interface LevelUncertainty {
  readonly level: number;
  /** Clean first images of the genuine pairs. */
  readonly clean: number;
  /** Degraded images (genuine second images and both impostor images). */
  readonly degraded: number;
}

/** The dilemma result: points per level and method, the plots' file names and a Markdown table. */
export interface DilemmaOutcome {
  readonly points: DilemmaPoint[];
  readonly uncertainty: LevelUncertainty[];
  readonly markdown: string;
  readonly plots: string[];
}

const fmt = (x: number, d = 3): string => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

/** Markdown table: per level and method, genuine and impostor mean ± std, AUC, TAR, accuracy. */
export function dilemmaMarkdown(points: readonly DilemmaPoint[]): string {
  const fars = points[0]?.tarAtFar.map((t) => t.far) ?? [];
  const head = ['level', 'method', 'genuine (clean vs degraded) mean ± std', 'impostor (degraded vs degraded) mean ± std', 'AUC', ...fars.map((f) => `TAR@FAR=${f} (%)`), 'k-fold accuracy (%)'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const p of points) {
    const d = p.distribution;
    lines.push(
      `| ${p.level} | ${p.method} | ${fmt(d.genuine.mean)} ± ${fmt(d.genuine.std)} | ${fmt(d.impostor.mean)} ± ${fmt(d.impostor.std)} | ${fmt(p.auc, 4)} | ${p.tarAtFar.map((t) => fmt(100 * t.tar, 2)).join(' | ')} | ${p.accuracy === null ? 'n/a' : fmt(100 * p.accuracy, 2)} |`,
    );
  }
  return lines.join('\n');
}

/** Mean ± std of genuine and impostor scores against the level, one plot per method. */
export function dilemmaPlotSvg(method: string, points: readonly DilemmaPoint[], idPrefix: string): string {
  const mine = points.filter((p) => p.method === method);
  const x = mine.map((p) => p.level);
  const series: PlotSeries[] = (['genuine', 'impostor'] as const).map((kind, i) => {
    const mean = mine.map((p) => p.distribution[kind].mean);
    const std = mine.map((p) => p.distribution[kind].std);
    return {
      name: kind === 'genuine' ? 'genuine: clean vs degraded' : 'impostor: degraded vs degraded',
      x,
      y: mean,
      band: { lower: mean.map((m, j) => m - std[j]!), upper: mean.map((m, j) => m + std[j]!) },
      color: i === 0 ? '#2ca02c' : '#d62728',
    };
  });
  return linePlotSvg({ title: `Blurry-image dilemma: ${method} (mean ± 1 std)`, xLabel: 'degradation ladder level', yLabel: method, series, legend: 'bottom-left', idPrefix });
}

/** AUC (genuine above impostor) against the level for every method in one plot. */
export function dilemmaAucPlotSvg(points: readonly DilemmaPoint[]): string {
  const methods = [...new Set(points.map((p) => p.method))];
  const series: PlotSeries[] = methods.map((m) => {
    const mine = points.filter((p) => p.method === m);
    return { name: m, x: mine.map((p) => p.level), y: mine.map((p) => p.auc) };
  });
  series.push({ name: 'chance (impostors level with genuine)', x: [Math.min(...points.map((p) => p.level)), Math.max(...points.map((p) => p.level))], y: [0.5, 0.5], dashed: true, color: '#7f7f7f' });
  return linePlotSvg({ title: 'Blurry-image dilemma: AUC of genuine vs impostor scores', xLabel: 'degradation ladder level', yLabel: 'AUC', series, legend: 'bottom-left', idPrefix: 'dilemma-auc' });
}

/** Runs the dilemma at every level and writes results.json, table.md and the SVG plots. */
export async function runDilemma(job: DilemmaJob): Promise<DilemmaOutcome> {
  const { setup } = job;
  const base = await loadLfwBase(setup);
  const foldCount = base.pairs.folds!.count;
  const heads = job.normSigmaPower === undefined ? await loadHeads(job.heads, foldCount, job.setup.backbone) : undefined;
  if (heads === undefined) job.log('no uncertainty head: only cosine and centred cosine');
  else await initBackend();
  const needGrid = heads?.needsGrid ?? false;
  const s = { ...setup, needGrid };
  const genuine = (p: number): boolean => base.pairs.labels[p] === 1;
  // Clean: every image (the genuine pairs' first images, and the centring mean of other folds).
  const clean = await loadLfwVersion(s, base, 0, new Uint8Array(base.paths.length).fill(1));
  const cleanMean = foldExcludedMean({ count: clean.count, dim: clean.dim, mu: clean.mu }, clean.failed, imagesUsedByFold(base.pairs), foldCount);
  const normSource =
    job.normSigmaPower === undefined
      ? undefined
      : (t: ImageTable): GaussianSource =>
          normSigmaSource(t, (f) => cleanMean(f), { baseSigmaSq: normSigmaBase(job.setup.backbone ?? DEFAULT_BACKBONE), referenceNorm: median(rawFeatureNorms(clean)), power: job.normSigmaPower! });
  // Degraded copies are needed of the genuine pairs' second images and of both impostor images.
  const genuineSecond = imagesOfPairs(base, genuine, 'b');
  const impostorImages = imagesOfPairs(base, (p) => !genuine(p), 'both');
  const points: DilemmaPoint[] = [];
  const uncertainty: LevelUncertainty[] = [];
  for (const level of job.levels) {
    const needed = level === 0 ? new Uint8Array(0) : Uint8Array.from(genuineSecond, (v, i) => v | impostorImages[i]!);
    const degraded = level === 0 ? clean : await loadLfwVersion(s, base, level, needed);
    const table = stackTables([clean, degraded]);
    const pairs = dilemmaPairs(base.pairs, 1);
    const evaluation = evaluatePairs({
      pairs,
      table,
      fars: job.fars,
      centringOverride: { meanFor: (f) => cleanMean(f), description: 'mean mu of the clean images of the other folds, rows re-normalised' },
      ...(normSource !== undefined
        ? { gaussian: { source: normSource(table), description: `σ² = ${normSigmaBase(job.setup.backbone ?? DEFAULT_BACKBONE)}·(‖raw‖/median clean ‖raw‖)^−${job.normSigmaPower} (hand-made, not a head)` } }
        : heads === undefined
          ? {}
          : { gaussian: { source: headGaussianSource(heads.choice, table), description: heads.description } }),
    });
    if (heads !== undefined && normSource === undefined) {
      const source = headGaussianSource(heads.choice, table);
      const u = heldOutUncertainty(source, imageFolds(pairs), foldCount);
      const k = base.paths.length;
      const mean = (version: number): number => {
        let s = 0;
        let n = 0;
        for (const rows of [pairs.a, pairs.b]) {
          for (const r of rows) {
            if (Math.floor(r / k) !== version || table.failed[r] === 1) continue;
            s += u[r]!;
            n++;
          }
        }
        return s / n;
      };
      uncertainty.push({ level, clean: mean(0), degraded: mean(1) });
    }
    const skip = failedPairFlags(pairs, table.failed);
    for (const m of evaluation.methods) {
      points.push({
        level,
        method: m.method,
        distribution: scoreDistribution(m.scores, pairs.labels, skip),
        auc: m.auc,
        tarAtFar: m.tarAtFar.map((t) => ({ far: t.far, tar: t.tar })),
        accuracy: m.accuracy?.mean ?? null,
      });
    }
    job.log(`level ${level}: ${degraded.failures.length} images failed at this level; pairs rejected ${JSON.stringify(evaluation.failedPairs)}`);
  }
  await mkdir(job.outDir, { recursive: true });
  const markdown =
    dilemmaMarkdown(points) +
    (uncertainty.length === 0
      ? ''
      : `\n\nMean out-of-fold σ² (harmonic mean over dimensions; each image counted once per pair that uses it):\n\n| level | clean images | degraded images | ratio |\n|---|---|---|---|\n${uncertainty
          .map((u) => `| ${u.level} | ${u.clean.toExponential(3)} | ${u.degraded.toExponential(3)} | ${(u.degraded / u.clean).toFixed(3)} |`)
          .join('\n')}`);
  const plots: string[] = [];
  const methods = [...new Set(points.map((p) => p.method))];
  for (const m of methods) {
    const file = `dilemma-${m.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.svg`;
    await writeFile(path.join(job.outDir, file), dilemmaPlotSvg(m, points, file.replace('.svg', '')));
    plots.push(file);
  }
  await writeFile(path.join(job.outDir, 'dilemma-auc.svg'), dilemmaAucPlotSvg(points));
  plots.push('dilemma-auc.svg');
  await writeFile(path.join(job.outDir, 'table.md'), markdown + '\n');
  await writeFile(
    path.join(job.outDir, 'results.json'),
    JSON.stringify({ date: new Date().toISOString(), ...job.meta, folds: foldCount, pairs: base.pairs.labels.length, heads: heads?.description ?? null, points, uncertainty }, null, 1) + '\n',
  );
  return { points, uncertainty, markdown, plots };
}
