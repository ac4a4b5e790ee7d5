/**
 * Builds the service's calibration file from cached LFW embeddings (`pfe embed` output:
 * mu.npy N×1024, index.json with images[i].path → row, identity = the image's folder):
 * a seeded sample of impostor pairs (two different people), their cosine and, with a
 * head, their MLS, turned into survival tables (see calibration.ts).
 *
 *   node build-<you>/scripts/build-calibration.js --data .cache/lfw/dlib/clean \
 *     [--head models/pfe-head-dlib.pfehead] [--out FILE] [--pairs 2000000] [--seed 1]
 *   (--out defaults to calibration-<head name>.json beside the head, or
 *   models/calibration-<backbone>.json without a head)
 *     [--single-face] [--degraded DIR ...] [--bands 4] [--band-pairs 16000000]
 *
 * With --degraded caches (degraded copies of the same people, e.g. .cache/lfw/dlib/level3)
 * and a head, it also writes quality-aware tables (uncertainty-bands.ts): impostor pairs
 * drawn from the pool of --data and every --degraded cache, split into --bands equal-count
 * bands of the more certain photo's uncertainty and, within each, --bands bands of the
 * other photo's: one table per cell and metric.
 *
 * The service's own pipeline finds faces with the detector (no landmark file), so the
 * shipped calibration is built from a `pfe embed` run without --landmarks; --single-face
 * keeps only images where the detector found one face, the only ones the service accepts
 * by default (MULTIPLE_FACES otherwise).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_BACKBONE } from '../face/backbone/names.js';
import { folderBackbone } from '../face/pipeline/embedding-folder-meta.js';
import { noHeadCalibrationFileName } from '../verify/calibration-content.js';
import { cosinePairs } from '../core/cosine.js';
import { gaussianBatch } from '../core/embedding.js';
import { mlsPairs } from '../core/mls.js';
import { uncertaintyScores } from '../core/uncertainty.js';
import { impostorTable, type ImpostorTable } from '../verify/calibration.js';
import { CALIBRATION_FORMAT, CALIBRATION_VERSION, type CalibrationFileContent, calibrationFileForHead, saveCalibrationFile } from '../verify/calibration-file.js';
import { impostorPairs, loadCalibrationPool } from '../verify/calibration-data.js';
import { impostorBandTables, type UncertaintyBandTables } from '../verify/uncertainty-bands.js';
import { deriveSeed } from '../core/random.js';

/**
 * Tail knots kept exactly: every impostor score with at most this many scores at or above
 * it, i.e. FAR ≤ 5000/pairs (2.5e-3 at the default 2M pairs), which covers the usual operating
 * points; above it the 1000 strided bulk knots give an upper bound within 1e-3.
 */
const EXACT_TAIL = 5000;
/**
 * Bands per uncertainty coordinate and the impostor pairs the 4 × 4 cells share: 1,000,000
 * pairs a cell resolve a FAR of 1e-6, a decade below the lowest operating point checked (1e-5).
 */
const DEFAULT_BANDS = 4;
const DEFAULT_BAND_PAIRS = 16_000_000;
/**
 * Knots of each cell's table: every score at FAR ≤ 1000/1,000,000 = 1e-3 exactly, 500 strided
 * knots above (an upper bound within 2e-3). Fewer than the global table's, so the 32 tables
 * stay near 1 MB of JSON for the browser page.
 */
const CELL_EXACT_TAIL = 1000;
const CELL_BULK_KNOTS = 500;
/** Seed stream of the banded impostor pairs (the global table uses the seed itself). */
const BAND_PAIR_STREAM = 7;
/** Quantiles of clean-image uncertainty stored for the quality gate's default. */
const UNCERTAINTY_QUANTILES = [0.5, 0.9, 0.95, 0.99, 0.995, 0.999];

function sortedTable(metric: 'cosine' | 'mls', scores: Float64Array): ImpostorTable {
  scores.sort();
  return impostorTable(metric, scores, EXACT_TAIL);
}

function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))]!;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      out: { type: 'string' },
      head: { type: 'string' },
      pairs: { type: 'string' },
      seed: { type: 'string' },
      'single-face': { type: 'boolean' },
      degraded: { type: 'string', multiple: true },
      bands: { type: 'string' },
      'band-pairs': { type: 'string' },
    },
    strict: true,
  });
  const data = values.data ?? path.join('.cache', 'lfw', DEFAULT_BACKBONE, 'clean');
  const pairCount = Number(values.pairs ?? 2000000);
  const seed = Number(values.seed ?? 1);
  const singleFace = values['single-face'] === true;
  const degraded = values.degraded ?? [];
  if (degraded.length > 0 && values.head === undefined) throw new Error('--degraded needs --head: the bands are bands of the head\'s uncertainty');
  // One pool: the --data cache's rows first (the global tables and the gate quantiles use only
  // them, in the same order as the cache alone), then every --degraded cache (the bands).
  const pool = await loadCalibrationPool([data, ...degraded], values.head, singleFace);
  const { index, identities, embeddings: emb, binding } = pool;
  const inData = (row: number): boolean => pool.source[row] === 0 && identities[row]! >= 0;
  const out = values.out ?? (values.head !== undefined ? calibrationFileForHead(values.head) : path.join('models', noHeadCalibrationFileName(folderBackbone(index))));
  const keptRows = identities.filter((_, r) => inData(r)).length;
  const { a, b } = impostorPairs(identities, pairCount, seed, inData);
  const meanBatch = { count: emb.count, dim: emb.dim, mu: emb.mu };
  const tables: { cosine: ImpostorTable; mls?: ImpostorTable } = { cosine: sortedTable('cosine', cosinePairs(meanBatch, meanBatch, a, b)) };
  let uncertaintyQuantiles: Record<string, number> | undefined;
  let bands: UncertaintyBandTables | undefined;
  const bandCount = Number(values.bands ?? DEFAULT_BANDS);
  const bandPairs = Number(values['band-pairs'] ?? DEFAULT_BAND_PAIRS);
  if (emb.sigmaSq !== null) {
    const batch = gaussianBatch(emb.mu, emb.sigmaSq, emb.dim);
    tables.mls = sortedTable('mls', mlsPairs(batch, batch, a, b));
    const all = uncertaintyScores(batch);
    const u = Float64Array.from(all.filter((_, r) => inData(r))).sort();
    uncertaintyQuantiles = Object.fromEntries(UNCERTAINTY_QUANTILES.map((q) => [String(q), quantile(u, q)]));
    if (degraded.length > 0) {
      const p = impostorPairs(identities, bandPairs, deriveSeed(seed, BAND_PAIR_STREAM));
      bands = impostorBandTables(batch, p.a, p.b, bandCount, bandCount, CELL_EXACT_TAIL, CELL_BULK_KNOTS);
    }
  }
  const content: CalibrationFileContent = {
    format: CALIBRATION_FORMAT,
    version: CALIBRATION_VERSION,
    backbone: folderBackbone(index),
    head: binding?.identity ?? null,
    source: {
      data: `LFW (Huang et al. 2007), every image embedded in the cache${singleFace ? ' where the detector found exactly one face' : ''}`,
      landmarks: index.landmarksFile ? `given (${index.landmarksFile})` : 'detector (BlazeFace + FaceMesh), as in the service',
      cache: data,
      images: keptRows,
      identities: new Set(identities.filter((_, r) => inData(r))).size,
      impostorPairs: pairCount,
      pairSampling: 'uniform over rows, different folder names, with replacement',
      seed,
      exactTailKnots: EXACT_TAIL,
      cellKnots: { exactTail: CELL_EXACT_TAIL, bulk: CELL_BULK_KNOTS },
      ...(bands === undefined
        ? {}
        : { bands: { caches: [data, ...degraded], impostorPairs: bandPairs, cells: `${bandCount} × ${bandCount}`, pairSampling: 'uniform over the rows of every cache, different people (an image and its degraded copy are the same person)' } }),
      command: `node <build>/scripts/build-calibration.js ${process.argv.slice(2).join(' ')}`,
    },
    tables,
    ...(uncertaintyQuantiles === undefined ? {} : { uncertaintyQuantiles }),
    ...(bands === undefined ? {} : { bands }),
  };
  await saveCalibrationFile(out, content);
  const t = tables.cosine;
  process.stdout.write(`wrote ${out}: ${pairCount} impostor pairs, cosine knots ${t.scores.length}${tables.mls ? `, mls knots ${tables.mls.scores.length}` : ''}\n`);
}

await main();
