/**
 * Does a calibrated FAR hold for people the calibration has never seen? Splits the LFW
 * identities of an embedding cache into two seeded halves, builds the impostor table from
 * half A exactly as build-calibration.ts does, and on half B measures the observed FAR of
 * fresh impostor pairs at the threshold for each target FAR, and the TAR of genuine pairs.
 *
 *   node build-<you>/scripts/check-calibration.js --data .cache/lfw/dlib/clean [--head h.pfehead] [--pairs 2000000] [--single-face]
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_BACKBONE } from '../face/backbone/names.js';
import { cosinePairs } from '../core/cosine.js';
import { gaussianBatch } from '../core/embedding.js';
import { mlsPairs } from '../core/mls.js';
import { deriveSeed } from '../core/random.js';
import { impostorTable, ScoreCalibration } from '../verify/calibration.js';
import { genuinePairs, impostorPairs, loadCalibrationData } from '../verify/calibration-data.js';

/** Operating points checked. */
const TARGETS = [1e-2, 1e-3, 1e-4, 1e-5];
/** Genuine pairs sampled from half B. */
const GENUINE_PAIRS = 50000;

function fractionAtLeast(scores: Float64Array, threshold: number): number {
  let c = 0;
  for (const s of scores) if (s >= threshold) c++;
  return c / scores.length;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { data: { type: 'string' }, head: { type: 'string' }, pairs: { type: 'string' }, seed: { type: 'string' }, 'single-face': { type: 'boolean' } },
    strict: true,
  });
  const dataDir = values.data ?? path.join('.cache', 'lfw', DEFAULT_BACKBONE, 'clean');
  const pairs = Number(values.pairs ?? 2000000);
  const seed = Number(values.seed ?? 1);
  const { identities, embeddings: emb } = await loadCalibrationData(dataDir, values.head, values['single-face'] === true);
  // Half of the identities by a seeded hash of the identity number.
  const inA = (row: number): boolean => (deriveSeed(seed, identities[row]!) & 1) === 0;
  const inB = (row: number): boolean => !inA(row);
  const fit = impostorPairs(identities, pairs, deriveSeed(seed, 1), inA);
  const test = impostorPairs(identities, pairs, deriveSeed(seed, 2), inB);
  const genuine = genuinePairs(identities, GENUINE_PAIRS, deriveSeed(seed, 3), inB);
  const metrics: { name: 'cosine' | 'mls'; score: (p: { a: Uint32Array; b: Uint32Array }) => Float64Array }[] = [];
  const means = { count: emb.count, dim: emb.dim, mu: emb.mu };
  metrics.push({ name: 'cosine', score: (p) => cosinePairs(means, means, p.a, p.b) });
  if (emb.sigmaSq !== null) {
    const batch = gaussianBatch(emb.mu, emb.sigmaSq, emb.dim);
    metrics.push({ name: 'mls', score: (p) => mlsPairs(batch, batch, p.a, p.b) });
  }
  process.stdout.write(`cache ${dataDir}; calibration on half A of the identities, ${pairs} impostor pairs; check on half B: ${pairs} impostor pairs, ${GENUINE_PAIRS} genuine pairs\n`);
  process.stdout.write('metric  target FAR  threshold    observed FAR (B)  TAR (B)\n');
  for (const m of metrics) {
    const calibration = new ScoreCalibration(impostorTable(m.name, m.score(fit).sort(), 5000));
    const impostors = m.score(test);
    const genuines = m.score(genuine);
    for (const t of TARGETS) {
      const th = calibration.threshold(t);
      process.stdout.write(`${m.name.padEnd(6)}  ${t.toExponential(0).padEnd(10)}  ${th.toPrecision(6).padStart(10)}  ${fractionAtLeast(impostors, th).toExponential(2).padStart(16)}  ${fractionAtLeast(genuines, th).toFixed(4)}\n`);
    }
  }
}

await main();
