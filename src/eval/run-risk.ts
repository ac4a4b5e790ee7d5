/**
 * The mixed clean + degraded LFW protocol and risk control on it: every View 2 image is
 * taken clean or at a ladder level (seeded draw per image), the methods are compared with
 * 10-fold accuracy and TAR@FAR, then per-image quality signals (PFE uncertainty, the
 * detector's score, the norm of the raw pooled features, random) are used to discard pairs.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { initBackend } from '../face/runtime/tfjs-runtime.js';
import { linePlotSvg, type PlotSeries } from '../plot/index.js';
import { assignVersions, mixedPairs, stackTables } from './degraded-protocols.js';
import { headGaussianSource, heldOutUncertainty } from './head-source.js';
import { rawFeatureNorms, type ImageTable } from './image-table.js';
import { loadLfwBase, loadLfwVersion, type LfwSetup } from './lfw-setup.js';
import { imageFolds, imagesUsedByFold } from './pair-verification.js';
import { DEFAULT_BACKBONE } from '../face/backbone/names.js';
import { median, normSigmaBase, normSigmaSource } from './norm-sigma.js';
import { foldExcludedMean, type GaussianSource } from './verification-methods.js';
import { evaluatePairs, type PairsEvaluation } from './pairs-evaluation.js';
import { randomQuality, riskCurves, type ImageQuality, type RiskCurve, type RiskOptions } from './risk-control.js';
import { loadHeads, type HeadSelection } from './run-verification.js';
import { methodsMarkdownTable, methodSummary, rocPlotSvg } from './verification-report.js';

/** Mean clean σ² of the out-of-fold heads (dilemma run of 2026-11-28 06:36 UTC): the scale of the hand-made σ². */

/** Everything a mixed-protocol / risk-control run needs. */
export interface RiskJob {
  readonly setup: LfwSetup;
  /** Ladder levels of the versions (0 = clean), e.g. [0, 2, 4]. */
  readonly levels: readonly number[];
  /** Probability of each version, e.g. [0.5, 0.25, 0.25]. */
  readonly weights: readonly number[];
  /** Seed of the version draw (and of the random quality). */
  readonly drawSeed: number;
  readonly heads: HeadSelection;
  /** Investigation instead of a head: σ² from the raw feature norm (see norm-sigma.ts). */
  readonly normSigmaPower?: number;
  /** Also run the detector on every image for its score (embeddings are cached per image). */
  readonly detector: boolean;
  /** Embedding folders of a detector-aligned run per level, used for the detector scores. */
  readonly detectorFolders?: ReadonlyMap<number, readonly string[]>;
  readonly fars: readonly number[];
  readonly risk: RiskOptions;
  readonly outDir: string;
  readonly log: (line: string) => void;
  readonly meta?: Readonly<Record<string, unknown>>;
}

/** What runRisk returns. */
export interface RiskOutcome {
  readonly evaluation: PairsEvaluation;
  readonly curves: RiskCurve[];
  readonly markdown: string;
}

/** K flags for the images drawn at version v. */
function neededAt(versionOf: Int32Array, v: number): Uint8Array {
  return Uint8Array.from(versionOf, (x) => (x === v ? 1 : 0));
}

/** Markdown tables of the risk curves: EDC pAUC and TAR after filtering, one row per matcher × quality. */
export function riskMarkdown(curves: readonly RiskCurve[], options: RiskOptions): string {
  const head = ['matcher', 'quality', `EDC mean FNMR over 0–${100 * options.pAucLimit}% discarded (pAUC/${options.pAucLimit}; lower is better)`, ...options.filterFractions.map((f) => `TAR@FAR=${options.far} after removing ${Math.round(100 * f)}% images (%)`)];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const c of curves) lines.push(`| ${c.matcher} | ${c.quality} | ${c.pAucNormalised.toFixed(4)} | ${c.filtering.map((f) => (Number.isFinite(f.tar) ? (100 * f.tar).toFixed(2) : 'n/a')).join(' | ')} |`);
  return lines.join('\n');
}

/** FNMR against the discarded fraction for every quality signal of one matcher. */
export function edcPlotSvg(matcher: string, curves: readonly RiskCurve[], far: number, idPrefix: string): string {
  const series: PlotSeries[] = curves
    .filter((c) => c.matcher === matcher)
    .map((c) => ({ name: c.quality, x: c.discardFractions, y: c.fnmr, ...(c.quality === 'random' ? { dashed: true, color: '#7f7f7f' } : {}) }));
  return linePlotSvg({ title: `EDC, ${matcher}, threshold fixed at FAR ${far}`, xLabel: 'fraction of pairs discarded', yLabel: 'FNMR', series, legend: 'top-right', idPrefix });
}

/** Runs the mixed protocol and risk control; writes results.json, table.md, roc.svg and edc-*.svg. */
export async function runRisk(job: RiskJob): Promise<RiskOutcome> {
  const { setup } = job;
  const base = await loadLfwBase(setup);
  const foldCount = base.pairs.folds!.count;
  const heads = job.normSigmaPower === undefined ? await loadHeads(job.heads, foldCount, job.setup.backbone) : undefined;
  if (heads !== undefined) await initBackend();
  const s = { ...setup, needGrid: heads?.needsGrid ?? false };
  const versionOf = assignVersions(base.paths.length, job.weights, job.drawSeed);
  const tables: ImageTable[] = [];
  for (let v = 0; v < job.levels.length; v++) tables.push(await loadLfwVersion(s, base, job.levels[v]!, neededAt(versionOf, v)));
  const table = stackTables(tables);
  const pairs = mixedPairs(base.pairs, versionOf, job.levels.length);
  let gaussian: { source: GaussianSource; description: string } | undefined;
  if (job.normSigmaPower !== undefined) {
    const k = base.paths.length;
    const cleanNorms = rawFeatureNorms(table).subarray(0, k).filter((_, i) => table.failed[i] === 0);
    const meanFor = foldExcludedMean(table, table.failed, imagesUsedByFold(pairs), foldCount);
    gaussian = {
      source: normSigmaSource(table, meanFor, { baseSigmaSq: normSigmaBase(job.setup.backbone ?? DEFAULT_BACKBONE), referenceNorm: median(cleanNorms), power: job.normSigmaPower }),
      description: `σ² = ${normSigmaBase(job.setup.backbone ?? DEFAULT_BACKBONE)}·(‖raw‖/median clean ‖raw‖)^−${job.normSigmaPower} (hand-made, not a head)`,
    };
  } else if (heads !== undefined) {
    gaussian = { source: headGaussianSource(heads.choice, table), description: heads.description };
  }
  const evaluation = evaluatePairs({ pairs, table, fars: job.fars, ...(gaussian === undefined ? {} : { gaussian }), ablations: gaussian !== undefined });
  job.log(`mixed protocol: ${evaluation.failedImages} failed images, rejected pairs ${JSON.stringify(evaluation.failedPairs)}`);

  const qualities: ImageQuality[] = [];
  if (gaussian !== undefined) qualities.push({ name: 'PFE uncertainty (harmonic mean σ²)', values: heldOutUncertainty(gaussian.source, imageFolds(pairs), foldCount), order: 'lower-is-better' });
  qualities.push({ name: 'raw feature norm ‖pooled conv‖', values: rawFeatureNorms(table), order: 'higher-is-better' });
  if (job.detector) {
    const detTables: ImageTable[] = [];
    // Same images, same degradation seeds, but no landmarks: the detector finds the face.
    const { landmarks: _landmarks, ...withoutLandmarks } = setup;
    const detSetup: LfwSetup = { ...withoutLandmarks, folders: job.detectorFolders ?? new Map() };
    for (let v = 0; v < job.levels.length; v++) detTables.push(await loadLfwVersion(detSetup, base, job.levels[v]!, neededAt(versionOf, v)));
    const det = stackTables(detTables);
    // The detector's confidence in the face it picked; no face found = worst quality.
    const values = Float64Array.from(det.detectorScore, (d, r) => (det.failed[r] === 1 ? 0 : d));
    for (let r = 0; r < values.length; r++) if (table.failed[r] === 1) values[r] = NaN;
    qualities.push({ name: 'detector score', values, order: 'higher-is-better' });
    job.log(`detector: ${det.failures.length} images without a detected face`);
  }
  qualities.push(randomQuality(table.count, job.drawSeed));
  const curves: RiskCurve[] = [];
  for (const m of evaluation.methods.filter((x) => ['cosine', 'centred cosine', 'MLS'].includes(x.method))) curves.push(...riskCurves(m.method, m.scores, pairs, qualities, job.risk));

  const versionCounts = job.levels.map((_, v) => versionOf.reduce((n, x) => n + (x === v ? 1 : 0), 0));
  const markdown = `${methodsMarkdownTable(evaluation.methods, job.fars)}\n\n${riskMarkdown(curves, job.risk)}`;
  await mkdir(job.outDir, { recursive: true });
  await writeFile(path.join(job.outDir, 'table.md'), markdown + '\n');
  await writeFile(path.join(job.outDir, 'roc.svg'), rocPlotSvg(`LFW View 2, mixed: levels ${job.levels.join('/')} drawn with p = ${job.weights.join('/')}`, evaluation.methods, 'roc-mixed'));
  for (const m of new Set(curves.map((c) => c.matcher))) {
    const slug = m.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    await writeFile(path.join(job.outDir, `edc-${slug}.svg`), edcPlotSvg(m, curves, job.risk.far, `edc-${slug}`));
  }
  await writeFile(
    path.join(job.outDir, 'results.json'),
    JSON.stringify(
      {
        date: new Date().toISOString(),
        ...job.meta,
        levels: job.levels,
        weights: job.weights,
        imagesPerVersion: versionCounts,
        pairs: evaluation.pairCount,
        failedImages: evaluation.failedImages,
        failedPairs: evaluation.failedPairs,
        heads: heads?.description ?? null,
        methods: evaluation.methods.map(methodSummary),
        risk: { options: job.risk, curves },
      },
      null,
      1,
    ) + '\n',
  );
  return { evaluation, curves, markdown };
}
