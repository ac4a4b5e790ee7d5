/**
 * The demo page's "degrade both photos" verdicts measured on LFW View 2: at every blur
 * position of the page's slider (BLUR_SIGMAS_PX), both images of every pair are blurred by
 * the same σ, aligned by the detector on the blurred image (as the page does), embedded and
 * passed through the shipped head; the page's calibrated decisions (verdictPolicies: one
 * DecisionPolicy per score at DEFAULT_TARGET_FAR = 1e-3, with the calibration
 * the shipped head's calibration, deciding each pair on its uncertainty cell as the page does) are then tallied: impostor pairs accepted
 * (false accepts) and genuine pairs accepted, by centred cosine and by MLS. The page's default mixed case (A clean, only B blurred) reuses the same
 * embeddings and is tallied too.
 *
 *   node dist/scripts/blur-dilemma-calibrated.js [--folds n] [--levels 0,3,6] [--out dir]
 *
 * A pair with an image in which the detector found no face is "lost": it is neither
 * accepted nor counted in a rate's denominator (the counts are reported beside the rates).
 * Embeddings go through the per-image cache (.cache/embed), so an interrupted run resumes.
 *
 * Caveat: the shipped head and its calibration were built on all LFW people, so these
 * figures are in-sample for the head (optimistic for MLS in absolute terms).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { createProgress, formatDuration } from '../io/progress.js';
import { cosineSimilarity } from '../core/cosine.js';
import { PfeError } from '../core/errors.js';
import { uncertaintyScore } from '../core/uncertainty.js';
import { mutualLikelihoodScore } from '../core/mls.js';
import { sliderSteps, sliderValue, SLIDER_STEPS } from '../demo/degradation-slider.js';
import { loadImageTable, type ImageTable } from '../eval/image-table.js';
import { loadLfwBase } from '../eval/lfw-setup.js';
import { formatDegradeStep, parseDegradeSpec } from '../face/degrade/spec.js';
import type { DegradeStep } from '../face/degrade/steps.js';
import { initBackend } from '../face/runtime/tfjs-runtime.js';
import { compareFaces } from '../head/compare-faces.js';
import { applyHead } from '../head/head-inference.js';
import { headFeatures } from '../eval/head-source.js';
import type { UncertaintyHead } from '../head/head-model.js';
import { defaultHeadPath } from '../head/model-file.js';
import { verdictPolicies } from '../face-pfe/verdicts.js';
import { linePlotSvg, type PlotSeries } from '../plot/index.js';
import { calibrationFileForHead, loadCalibrationFile } from '../verify/calibration-file.js';
import { loadHeadBinding } from '../head/head-binding.js';
import { DEFAULT_TARGET_FAR } from '../verify/decision-defaults.js';
import type { DecisionPolicy } from '../verify/decision.js';
import { acceptRate, tallyAccepts, type AcceptTally, type RateWithInterval } from '../metrics/accept-tally.js';
import { DEFAULT_EMBED_CACHE_DIR } from '../face/pipeline/embed-cache.js';

/** An image table passed through the head: centred mu and σ² rows (K×D each), failures kept. */
interface HeadTable {
  readonly table: ImageTable;
  readonly dim: number;
  readonly mu: Float32Array;
  readonly sigmaSq: Float32Array;
}

/** The tallies of one protocol (both blurred, or A clean and B blurred) at one slider position. */
interface ProtocolResult {
  readonly cosine: AcceptTally;
  readonly mls: AcceptTally;
  readonly rates: {
    readonly cosineFar: RateWithInterval;
    readonly mlsFar: RateWithInterval;
    readonly cosineTar: RateWithInterval;
    readonly mlsTar: RateWithInterval;
  };
}

/** One slider position. */
interface LevelResult {
  readonly position: number;
  readonly sigmaPx: number;
  /** Images of the selected pairs in which the detector found no face at this σ. */
  readonly failedImages: number;
  /** Mean harmonic-mean σ² over the embedded images of the selected pairs at this σ. */
  readonly meanSigmaSq: number;
  readonly both: ProtocolResult;
  readonly mixed: ProtocolResult;
}

function parseLevels(text: string): number[] {
  const out = text.split(',').map((s) => Number(s.trim()));
  for (const p of out) {
    if (!Number.isInteger(p) || p < 0 || p >= SLIDER_STEPS) throw new PfeError('INVALID_ARGUMENT', `--levels: slider positions are integers 0..${SLIDER_STEPS - 1}, got '${text}'`);
  }
  return out;
}

/** The `pfe embed --degrade` spec of the slider's blur at `position`, checked to expand to exactly the page's steps. */
function blurSpec(position: number): string | undefined {
  const steps: DegradeStep[] = sliderSteps('blur', position);
  if (steps.length === 0) return undefined;
  const spec = steps.map(formatDegradeStep).join('+');
  if (!isDeepStrictEqual(parseDegradeSpec(spec), steps)) throw new Error(`degradation spec '${spec}' does not reproduce the slider's steps ${JSON.stringify(steps)}`);
  return spec;
}

function throughHead(head: UncertaintyHead, table: ImageTable): HeadTable {
  const d = head.architecture.muDim;
  if (table.dim !== 0 && table.dim !== d) throw new PfeError('DIMENSION_MISMATCH', `the backbone gives D=${table.dim}, the head expects ${d}`);
  // No image embedded (every face lost at a large σ): placeholder rows, every one marked failed.
  if (table.dim === 0) return { table, dim: d, mu: new Float32Array(table.count * d), sigmaSq: new Float32Array(table.count * d).fill(1) };
  const e = applyHead(head, table.mu, headFeatures(head, table));
  return { table, dim: d, mu: e.mu, sigmaSq: e.sigmaSq };
}

/** Scores pairs (rowsA from `ta`, rowsB from `tb`) and tallies both policies' verdicts. */
function scoreProtocol(
  ta: HeadTable,
  tb: HeadTable,
  a: Int32Array,
  b: Int32Array,
  labels: Uint8Array,
  cosinePolicy: DecisionPolicy,
  mlsPolicy: DecisionPolicy,
  head: UncertaintyHead,
): ProtocolResult {
  const d = ta.dim;
  const p = labels.length;
  const lost = new Uint8Array(p);
  const acceptCos = new Uint8Array(p);
  const acceptMls = new Uint8Array(p);
  let checked = 0;
  for (let i = 0; i < p; i++) {
    const ra = a[i]!;
    const rb = b[i]!;
    if (ta.table.failed[ra] === 1 || tb.table.failed[rb] === 1) {
      lost[i] = 1;
      continue;
    }
    const x = { dim: d, mu: ta.mu.subarray(ra * d, (ra + 1) * d), sigmaSq: ta.sigmaSq.subarray(ra * d, (ra + 1) * d) };
    const y = { dim: d, mu: tb.mu.subarray(rb * d, (rb + 1) * d), sigmaSq: tb.sigmaSq.subarray(rb * d, (rb + 1) * d) };
    const cos = cosineSimilarity(x, y);
    const mls = mutualLikelihoodScore(x, y);
    // The page scores with compareFaces (one pair through the head at a time); check the batched head agrees on a few pairs.
    if (checked < 3) {
      const rowOf = (t: HeadTable, r: number): { mu: Float32Array; pooledGlobal: Float32Array; pooledGrid2x2: Float32Array } => ({
        mu: t.table.mu.subarray(r * t.table.dim, (r + 1) * t.table.dim),
        pooledGlobal: t.table.pooledGlobal.subarray(r * t.table.channels, (r + 1) * t.table.channels),
        pooledGrid2x2: t.table.pooledGrid2x2?.subarray(r * 4 * t.table.channels, (r + 1) * 4 * t.table.channels) ?? new Float32Array(0),
      });
      const c = compareFaces(head, rowOf(ta, ra), rowOf(tb, rb));
      if (Math.abs(c.cosine - cos) > 1e-5 || Math.abs(c.mls - mls) > 1e-3 * Math.max(1, Math.abs(mls))) {
        throw new Error(`batched head scores (cos ${cos}, MLS ${mls}) differ from compareFaces (cos ${c.cosine}, MLS ${c.mls}) on pair ${i}`);
      }
      checked++;
    }
    // As the page decides: on the uncertainty cell of the pair's two σ² (quality-aware calibration).
    const u = [uncertaintyScore(x), uncertaintyScore(y)] as const;
    if (cosinePolicy.decide(cos, mls, u).match) acceptCos[i] = 1;
    if (mlsPolicy.decide(cos, mls, u).match) acceptMls[i] = 1;
  }
  const cosine = tallyAccepts(labels, lost, acceptCos);
  const mlsTally = tallyAccepts(labels, lost, acceptMls);
  return {
    cosine,
    mls: mlsTally,
    rates: { cosineFar: acceptRate(cosine.impostor), mlsFar: acceptRate(mlsTally.impostor), cosineTar: acceptRate(cosine.genuine), mlsTar: acceptRate(mlsTally.genuine) },
  };
}

/** Mean harmonic-mean σ² over the embedded images that some pair uses. */
function meanUncertainty(t: HeadTable, used: Uint8Array): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < t.table.count; i++) {
    if (used[i] !== 1 || t.table.failed[i] === 1) continue;
    s += uncertaintyScore({ dim: t.dim, mu: t.mu.subarray(i * t.dim, (i + 1) * t.dim), sigmaSq: t.sigmaSq.subarray(i * t.dim, (i + 1) * t.dim) });
    n++;
  }
  return n === 0 ? NaN : s / n;
}

const pct = (r: RateWithInterval, digits = 2): string => (Number.isFinite(r.rate) ? (100 * r.rate).toFixed(digits) : 'n/a');
const pctCi = (r: RateWithInterval): string => (Number.isFinite(r.rate) ? `${(100 * r.rate).toFixed(2)} [${(100 * r.lower).toFixed(2)}, ${(100 * r.upper).toFixed(2)}]` : 'n/a');

function markdownTable(levels: readonly LevelResult[], which: 'both' | 'mixed'): string {
  const head = [
    'blur σ (px)',
    'impostors accepted, cosine (%) [95% CI]',
    'impostors accepted, MLS (%) [95% CI]',
    'genuine accepted, cosine (%)',
    'genuine accepted, MLS (%)',
    'impostor / genuine pairs scored',
    'pairs lost (no face)',
    'mean σ² of blurred images',
  ];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const l of levels) {
    const r = l[which];
    const lost = r.cosine.genuine.lost + r.cosine.impostor.lost;
    lines.push(
      `| ${l.sigmaPx} | ${r.cosine.impostor.accepted} = ${pctCi(r.rates.cosineFar)} | ${r.mls.impostor.accepted} = ${pctCi(r.rates.mlsFar)} | ${pct(r.rates.cosineTar)} | ${pct(r.rates.mlsTar)} | ` +
        `${r.cosine.impostor.scored} / ${r.cosine.genuine.scored} | ${lost} | ${l.meanSigmaSq.toExponential(3)} |`,
    );
  }
  return lines.join('\n');
}

/**
 * A plotted rate needs at least this many scored pairs: at large σ the detector loses most
 * faces, and a rate over a handful of survivors (e.g. 2 of 4) would draw a confident-looking
 * point. The table keeps every level with its counts and interval.
 */
const MIN_PLOTTED_PAIRS = 20;

function plotSvg(levels: readonly LevelResult[], which: 'both' | 'mixed', title: string, idPrefix: string): string {
  const x = levels.map((l) => l.sigmaPx);
  const rate = (r: RateWithInterval, scored: number): number => (scored >= MIN_PLOTTED_PAIRS ? r.rate : NaN);
  const y = (pick: (p: ProtocolResult) => { r: RateWithInterval; scored: number }): number[] =>
    levels.map((l) => {
      const v = pick(l[which]);
      return rate(v.r, v.scored);
    });
  const series: PlotSeries[] = [
    { name: 'impostors accepted, cosine', x, y: y((p) => ({ r: p.rates.cosineFar, scored: p.cosine.impostor.scored })), color: '#d62728', markers: true },
    { name: 'impostors accepted, MLS', x, y: y((p) => ({ r: p.rates.mlsFar, scored: p.mls.impostor.scored })), color: '#1f77b4', markers: true },
    { name: 'genuine accepted, cosine', x, y: y((p) => ({ r: p.rates.cosineTar, scored: p.cosine.genuine.scored })), color: '#d62728', dashed: true, markers: true },
    { name: 'genuine accepted, MLS', x, y: y((p) => ({ r: p.rates.mlsTar, scored: p.mls.genuine.scored })), color: '#1f77b4', dashed: true, markers: true },
  ];
  return linePlotSvg({ title, xLabel: 'blur σ (px of the photo)', yLabel: 'accept rate at the calibrated FAR 1e-3 thresholds', yDomain: [0, 1], series, legend: 'best', idPrefix });
}

const CAVEAT =
  'Caveat: the shipped head and its calibration were trained/built on all LFW people, so these LFW figures are in-sample for the head; ' +
  'the cosine-vs-MLS comparison under blur is informative, but optimistic for MLS in absolute terms.';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      lfw: { type: 'string', default: path.join('..', 'shared', 'data', 'lfw') },
      folds: { type: 'string', default: '10' },
      levels: { type: 'string', default: Array.from({ length: SLIDER_STEPS }, (_, i) => i).join(',') },
      out: { type: 'string', default: path.join('out', 'blur-dilemma-calibrated') },
      cache: { type: 'string', default: DEFAULT_EMBED_CACHE_DIR },
      workers: { type: 'string' },
      head: { type: 'string', default: defaultHeadPath() },
      calibration: { type: 'string' },
    },
  });
  const folds = Number(values.folds);
  if (!Number.isInteger(folds) || folds < 1 || folds > 10) throw new PfeError('INVALID_ARGUMENT', `--folds must be an integer 1..10, got ${values.folds}`);
  const positions = parseLevels(values.levels);
  if (!positions.includes(0)) positions.unshift(0); // the mixed case needs the clean images
  positions.sort((x, y) => x - y);
  const workers = values.workers === undefined ? undefined : Number(values.workers);
  const calibrationFile = values.calibration ?? calibrationFileForHead(values.head);

  const { head, identity } = await loadHeadBinding(values.head);
  const sha = identity.sha256;
  const loaded = await loadCalibrationFile(calibrationFile);
  // The page's policies: the same head check (sha256) and DecisionPolicy per score at the default FAR.
  const { cosine: cosinePolicy, mls: mlsPolicy } = verdictPolicies(loaded, sha, calibrationFile, DEFAULT_TARGET_FAR);
  await initBackend();

  const base = await loadLfwBase({ lfwRoot: values.lfw, folds, seed: 0 });
  const { pairs } = base;
  const used = new Uint8Array(base.paths.length);
  for (let i = 0; i < pairs.a.length; i++) used[pairs.a[i]!] = used[pairs.b[i]!] = 1;
  const genuineCount = pairs.labels.reduce((s, l) => s + l, 0);
  console.error(
    `LFW View 2, folds 0..${folds - 1}: ${pairs.labels.length} pairs (${genuineCount} genuine), ${base.paths.length} images; slider positions ${positions.join(',')}; ` +
      `thresholds at FAR ${DEFAULT_TARGET_FAR}: centred cosine ${cosinePolicy.threshold.toFixed(4)}, MLS ${mlsPolicy.threshold.toFixed(1)}`,
  );

  const started = performance.now();
  let clean: HeadTable | undefined;
  const levels: LevelResult[] = [];
  for (const position of positions) {
    const sigma = sliderValue('blur', position);
    const spec = blurSpec(position);
    const progress = createProgress(`σ ${sigma} px`, base.files.length, process.stderr);
    let last = 0;
    let lastLog = performance.now();
    const levelStart = performance.now();
    const table = await loadImageTable(base.files, {
      landmarkRoot: path.join(values.lfw, 'images'),
      // Blur is deterministic; the seed only keeps cache keys in line with `pfe embed --seed 0`.
      ...(spec === undefined ? {} : { degrade: spec, seed: 0 }),
      cacheDir: values.cache,
      ...(workers === undefined ? {} : { workers }),
      onProgress: (n, total) => {
        progress.tick(n - last);
        last = n;
        // The progress line is silent off a terminal; a run in the background logs once a minute.
        const now = performance.now();
        if (!process.stderr.isTTY && now - lastLog > 60_000) {
          lastLog = now;
          const rate = n / ((now - levelStart) / 1000);
          console.error(`σ ${sigma} px: ${n}/${total} images (${rate.toFixed(1)}/s incl. cache hits), ETA ${formatDuration((total - n) / rate)}`);
        }
      },
    });
    progress.done();
    const seconds = (performance.now() - levelStart) / 1000;
    const ht = throughHead(head, table);
    if (position === 0) clean = ht;
    const both = scoreProtocol(ht, ht, pairs.a, pairs.b, pairs.labels, cosinePolicy, mlsPolicy, head);
    const mixed = scoreProtocol(clean!, ht, pairs.a, pairs.b, pairs.labels, cosinePolicy, mlsPolicy, head);
    const level: LevelResult = { position, sigmaPx: sigma, failedImages: table.failures.length, meanSigmaSq: meanUncertainty(ht, used), both, mixed };
    levels.push(level);
    console.error(
      `σ ${sigma} px: ${table.provenance.embedded} images in ${seconds.toFixed(0)} s, ${table.failures.length} without a face; both blurred: impostors accepted cos ${both.cosine.impostor.accepted}, MLS ${both.mls.impostor.accepted} of ${both.cosine.impostor.scored}`,
    );
  }
  const totalSeconds = (performance.now() - started) / 1000;

  await mkdir(values.out, { recursive: true });
  const meta = {
    date: new Date().toISOString(),
    command: `node dist/scripts/blur-dilemma-calibrated.js ${process.argv.slice(2).join(' ')}`.trim(),
    data: `LFW View 2 (${path.join(values.lfw, 'pairs.txt')}), folds 0..${folds - 1}`,
    pairs: pairs.labels.length,
    genuinePairs: genuineCount,
    images: base.paths.length,
    head: { file: values.head, sha256: sha },
    calibration: calibrationFile,
    targetFar: DEFAULT_TARGET_FAR,
    thresholds: { cosine: cosinePolicy.threshold, mls: mlsPolicy.threshold },
    alignment: 'detector (BlazeFace + FaceMesh) on the blurred image',
    lostPairs: 'a pair with an image in which the detector found no face is neither accepted nor counted in the rates\' denominators',
    protocols: { both: 'both images blurred by the same σ', mixed: 'image A clean, image B blurred (the page\'s default)' },
    caveat: CAVEAT,
    wallSeconds: totalSeconds,
  };
  await writeFile(path.join(values.out, 'results.json'), JSON.stringify({ ...meta, levels }, null, 1) + '\n');
  await writeFile(path.join(values.out, 'blur-dilemma-calibrated.svg'), plotSvg(levels, 'both', `LFW View 2 (${folds} fold${folds > 1 ? 's' : ''}), both photos blurred: accepts at FAR 1e-3`, 'blur-both'));
  await writeFile(path.join(values.out, 'blur-mixed-calibrated.svg'), plotSvg(levels, 'mixed', `LFW View 2 (${folds} fold${folds > 1 ? 's' : ''}), A clean, B blurred: accepts at FAR 1e-3`, 'blur-mixed'));
  const markdown = [
    `LFW View 2, folds 0..${folds - 1}: ${pairs.labels.length} pairs, ${base.paths.length} images; thresholds of ${path.basename(calibrationFile)} at FAR ${DEFAULT_TARGET_FAR}: centred cosine ≥ ${cosinePolicy.threshold.toFixed(4)}, MLS ≥ ${mlsPolicy.threshold.toFixed(1)}.`,
    '',
    'Both photos blurred by the same σ:',
    '',
    markdownTable(levels, 'both'),
    '',
    'Image A clean, only image B blurred (the page\'s default):',
    '',
    markdownTable(levels, 'mixed'),
    '',
    `Pairs lost (the detector found no face in an image) are neither accepted nor counted in the denominators; the plots leave out rates over fewer than ${MIN_PLOTTED_PAIRS} scored pairs. ` + CAVEAT,
    `Wall time ${formatDuration(totalSeconds)}.`,
  ].join('\n');
  await writeFile(path.join(values.out, 'table.md'), markdown + '\n');
  console.log(markdown);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exitCode = 1;
});
