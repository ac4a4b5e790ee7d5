/**
 * Does the promised FAR hold whatever the photos' quality? Splits the LFW people of a
 * pool of caches (clean + degraded copies of the same images) into two seeded halves.
 * From half A it builds, as build-calibration.ts does, the global tables (clean cache
 * only) and the quality-aware banded tables (the whole pool). On half B — people neither
 * saw — it draws impostor pairs per condition (both photos clean; both from the same
 * degraded cache; one clean and one degraded) and reports the observed FAR at each target,
 * deciding each pair on the global table and on its uncertainty band, for cosine and MLS.
 *
 *   node <build>/scripts/check-quality-calibration.js --head models/pfe-head-dlib.pfehead \
 *     --data .cache/lfw/dlib/detector-service --single-face \
 *     --degraded .cache/lfw/dlib/level1 ... [--pairs 2000000] [--band-pairs 16000000] [--bands 4]
 *     [--test-pairs 200000] [--targets 1e-3,1e-4] [--seed 1]
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cosinePairs } from '../core/cosine.js';
import { gaussianBatch } from '../core/embedding.js';
import { mlsPairs } from '../core/mls.js';
import { deriveSeed } from '../core/random.js';
import { uncertaintyScores } from '../core/uncertainty.js';
import { impostorTable, ScoreCalibration } from '../verify/calibration.js';
import { genuinePairs, impostorPairs, loadCalibrationPool } from '../verify/calibration-data.js';
import { cellOf, impostorBandTables } from '../verify/uncertainty-bands.js';

/** Exact tail knots, as build-calibration.ts. */
const EXACT_TAIL = 5000;

/** Share of scores at or above their threshold: one threshold for all, or one per uncertainty cell. */
function shareAccepted(scores: Float64Array, cells: Int32Array, threshold: number | readonly number[]): number {
  let n = 0;
  for (let k = 0; k < scores.length; k++) if (scores[k]! >= (typeof threshold === 'number' ? threshold : threshold[cells[k]!]!)) n++;
  return n / scores.length;
}

interface Condition {
  readonly name: string;
  /** Rows allowed on side a and side b. */
  readonly a: (row: number) => boolean;
  readonly b: (row: number) => boolean;
}

/** Seeded impostor pairs of half-B people with side a from one row set and side b from another. */
function conditionPairs(identities: Int32Array, count: number, seed: number, c: Condition): { a: Uint32Array; b: Uint32Array } {
  const left = impostorPairs(identities, count, deriveSeed(seed, 1), c.a);
  const right = impostorPairs(identities, count, deriveSeed(seed, 2), c.b);
  // Side a from the first draw, side b from the second; keep pairs of different people.
  const a: number[] = [];
  const b: number[] = [];
  for (let k = 0; k < count; k++) {
    if (identities[left.a[k]!] !== identities[right.b[k]!]) {
      a.push(left.a[k]!);
      b.push(right.b[k]!);
    }
  }
  return { a: Uint32Array.from(a), b: Uint32Array.from(b) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      head: { type: 'string' },
      degraded: { type: 'string', multiple: true },
      pairs: { type: 'string' },
      'band-pairs': { type: 'string' },
      bands: { type: 'string' },
      'test-pairs': { type: 'string' },
      targets: { type: 'string' },
      seed: { type: 'string' },
      'single-face': { type: 'boolean' },
    },
    strict: true,
  });
  if (values.head === undefined || values.data === undefined) throw new Error('--head and --data are required');
  const degraded = values.degraded ?? [];
  const seed = Number(values.seed ?? 1);
  const pairs = Number(values.pairs ?? 2_000_000);
  const bandPairs = Number(values['band-pairs'] ?? 16_000_000);
  const bandCount = Number(values.bands ?? 4);
  const testPairs = Number(values['test-pairs'] ?? 200_000);
  const targets = (values.targets ?? '1e-3,1e-4').split(',').map(Number);
  const pool = await loadCalibrationPool([values.data, ...degraded], values.head, values['single-face'] === true);
  const { identities, source, embeddings: emb } = pool;
  const batch = gaussianBatch(emb.mu, emb.sigmaSq!, emb.dim);
  const means = { count: emb.count, dim: emb.dim, mu: emb.mu };
  const u = uncertaintyScores(batch);
  const inA = (row: number): boolean => (deriveSeed(seed, identities[row]!) & 1) === 0;
  const inB = (row: number): boolean => !inA(row);
  const clean = (row: number): boolean => source[row] === 0;

  // Half A: global tables from the clean cache, banded tables from the whole pool.
  const fit = impostorPairs(identities, pairs, deriveSeed(seed, 10), (r) => inA(r) && clean(r));
  const global = {
    cosine: new ScoreCalibration(impostorTable('cosine', cosinePairs(means, means, fit.a, fit.b).sort(), EXACT_TAIL)),
    mls: new ScoreCalibration(impostorTable('mls', mlsPairs(batch, batch, fit.a, fit.b).sort(), EXACT_TAIL)),
  };
  const bandFit = impostorPairs(identities, bandPairs, deriveSeed(seed, 11), inA);
  // Cells with the knots build-calibration.ts gives them (every score at FAR ≤ 1e-3 of a 1M-pair cell exact).
  const bandTables = impostorBandTables(batch, bandFit.a, bandFit.b, bandCount, bandCount, 1000, 500);
  const banded = { cosine: bandTables.cosine.map((t) => new ScoreCalibration(t)), mls: bandTables.mls!.map((t) => new ScoreCalibration(t)) };

  const name = (dir: string): string => path.basename(dir);
  const conditions: Condition[] = [{ name: `${name(values.data)} vs itself`, a: (r) => inB(r) && clean(r), b: (r) => inB(r) && clean(r) }];
  degraded.forEach((dir, k) => {
    const here = (r: number): boolean => inB(r) && source[r] === k + 1;
    conditions.push({ name: `${name(dir)} vs ${name(dir)}`, a: here, b: here });
    conditions.push({ name: `clean vs ${name(dir)}`, a: (r) => inB(r) && clean(r), b: here });
  });

  process.stdout.write(`pool: ${pool.dirs.join(', ')} (${emb.count} rows); head ${values.head}\n`);
  process.stdout.write(`half A: global tables from ${pairs} clean impostor pairs; ${bandCount} × ${bandCount} uncertainty cells from ${bandPairs} pooled impostor pairs; edges of the smaller uncertainty ${bandTables.edges.map((e) => e.toExponential(3)).join(' ')}\n`);
  process.stdout.write(`half B: about ${testPairs} impostor pairs per condition; observed FAR at each target (×target in brackets)\n\n`);
  const header = ['condition', 'pairs', ...targets.flatMap((t) => ['cos global', 'cos banded', 'MLS global', 'MLS banded'].map((m) => `${m} @${t}`))];
  process.stdout.write(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|\n`);
  // Thresholds per target: the global table's, and one per uncertainty cell.
  const operatingPoints = targets.map((t) => ({
    t,
    cosine: global.cosine.threshold(t),
    mls: global.mls.threshold(t),
    cosineCells: banded.cosine.map((cal) => cal.threshold(t)),
    mlsCells: banded.mls.map((cal) => cal.threshold(t)),
  }));
  const cellsOf = (a: Uint32Array, b: Uint32Array): Int32Array => Int32Array.from(a, (i, k) => cellOf(bandTables, [u[i]!, u[b[k]!]!]));
  for (const [ci, c] of conditions.entries()) {
    const p = conditionPairs(identities, testPairs, deriveSeed(seed, 100 + ci), c);
    if (p.a.length === 0) continue;
    const cos = cosinePairs(means, means, p.a, p.b);
    const mls = mlsPairs(batch, batch, p.a, p.b);
    const cells = cellsOf(p.a, p.b);
    const columns: string[] = [];
    for (const op of operatingPoints) {
      for (const far of [shareAccepted(cos, cells, op.cosine), shareAccepted(cos, cells, op.cosineCells), shareAccepted(mls, cells, op.mls), shareAccepted(mls, cells, op.mlsCells)]) {
        columns.push(`${far.toExponential(1)} (${(far / op.t).toFixed(1)}×)`);
      }
    }
    process.stdout.write(`| ${c.name} | ${cos.length} | ${columns.join(' | ')} |\n`);
  }
  // What the bands cost: TAR of genuine half-B pairs, clean and both degraded, at the first target.
  const first = operatingPoints[0]!;
  process.stdout.write(`\nTAR of half-B genuine pairs at FAR ${first.t} (global / banded), MLS:\n`);
  for (const [ci, c] of conditions.entries()) {
    // Clean-vs-degraded genuine pairs would include an image and its own degraded copy: skipped.
    if (c.a !== c.b && ci > 0) continue;
    const g = genuinePairs(identities, 20_000, deriveSeed(seed, 200 + ci), (r) => c.a(r) || c.b(r));
    const keep: number[] = [];
    for (let k = 0; k < g.a.length; k++) if (c.a(g.a[k]!) && c.b(g.b[k]!)) keep.push(k);
    if (keep.length === 0) continue;
    const ga = Uint32Array.from(keep, (k) => g.a[k]!);
    const gb = Uint32Array.from(keep, (k) => g.b[k]!);
    const mls = mlsPairs(batch, batch, ga, gb);
    const cells = cellsOf(ga, gb);
    process.stdout.write(`  ${c.name.padEnd(40)} ${mls.length.toString().padStart(6)} pairs  ${shareAccepted(mls, cells, first.mls).toFixed(3)} / ${shareAccepted(mls, cells, first.mlsCells).toFixed(3)}\n`);
  }
}

await main();
