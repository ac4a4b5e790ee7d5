import type { GaussianBatch, GaussianEmbedding } from './embedding.js';
import { PfeError } from './errors.js';
import type { DiagonalScoreDefinition } from './diagonal-score.js';
import { MLS_PAPER, MLS_REFERENCE } from './mls.js';
import { checkScanProbe, MutableGallery } from './mutable-gallery.js';
import { checkBatchShape, checkEmbeddingShape, checkGaussianRows, checkSameDim, outputArray, VarianceRange, type ScoreArray } from './validate.js';

/**
 * A gallery checked once and scanned many times (identification against enrolled
 * templates). The score ops re-check every row they read because a GaussianBatch is a
 * plain, mutable interface; for a 1×N scan that check costs about as much as the scores.
 * A prepared gallery holds its own private copy of the rows, checked at preparation, so a
 * scan only checks the probe. The object is opaque: its rows cannot be changed afterwards
 * (for a gallery that changes, use MutableGallery).
 */
export interface PreparedGallery {
  /** Number of rows N. */
  readonly count: number;
  /** Dimension D. */
  readonly dim: number;
}

/** The private rows of each prepared gallery; unreachable from outside this module. */
const rowsOf = new WeakMap<PreparedGallery, MutableGallery>();

/**
 * Checks a gallery (finite means, finite variances > 0) and keeps a private copy of it, as
 * records in WebAssembly memory (a MutableGallery) that the wasm kernels scan in place.
 * Cost: one pass and one copy of N×D values.
 * @throws PfeError EMPTY_INPUT, DIMENSION_MISMATCH, NON_FINITE, NON_POSITIVE_VARIANCE, INVALID_ARGUMENT
 */
export function prepareGallery(batch: GaussianBatch): PreparedGallery {
  checkBatchShape(batch, 'gallery');
  // Check the caller's rows first (their messages name the gallery row), then copy each
  // row once; append re-checks the copy, so what was checked is exactly what is kept.
  checkGaussianRows(batch, 'gallery', new VarianceRange());
  const rows = new MutableGallery(batch.dim, 'diagonal');
  const d = batch.dim;
  for (let i = 0; i < batch.count; i++) rows.append(batch.mu.slice(i * d, (i + 1) * d), batch.sigmaSq.slice(i * d, (i + 1) * d), `gallery[${i}]`);
  const gallery: PreparedGallery = Object.freeze({ count: batch.count, dim: batch.dim });
  rowsOf.set(gallery, rows);
  return gallery;
}

function rowsOfGallery(gallery: PreparedGallery): MutableGallery {
  const rows = rowsOf.get(gallery);
  if (rows === undefined) throw new PfeError('INVALID_ARGUMENT', 'gallery was not made by prepareGallery');
  return rows;
}

/**
 * Scores of one probe against every row of a prepared gallery: out[j] = score(probe, G[j]),
 * length N. Checks the probe only.
 * @throws PfeError DIMENSION_MISMATCH, NON_FINITE, NON_POSITIVE_VARIANCE, INVALID_ARGUMENT
 */
export function diagonalScoreScanPrepared(definition: DiagonalScoreDefinition, probe: GaussianEmbedding, gallery: PreparedGallery): Float64Array;
/** Writes into `out` (length must match, else DIMENSION_MISMATCH) and returns that same array. */
export function diagonalScoreScanPrepared<T extends ScoreArray>(
  definition: DiagonalScoreDefinition,
  probe: GaussianEmbedding,
  gallery: PreparedGallery,
  out: T,
): T;
/** Forwarding form for an `out` that may be undefined: returns `out` or a new Float64Array. */
export function diagonalScoreScanPrepared(
  definition: DiagonalScoreDefinition,
  probe: GaussianEmbedding,
  gallery: PreparedGallery,
  out?: ScoreArray,
): ScoreArray;
export function diagonalScoreScanPrepared(
  definition: DiagonalScoreDefinition,
  probe: GaussianEmbedding,
  gallery: PreparedGallery,
  out?: ScoreArray,
): ScoreArray {
  const rows = rowsOfGallery(gallery);
  checkEmbeddingShape(probe, 'probe');
  checkSameDim(probe.dim, rows.dim, 'probe', 'gallery');
  const checked = checkScanProbe(probe.mu, probe.sigmaSq, rows.dim);
  const result = outputArray(out, rows.count);
  rows.scan(checked, { kind: 'diagonal', definition }, (first, values) => result.set(values, first));
  return result;
}

/** MLS (paper form) of one probe against a prepared gallery (length N). */
export function mlsScanPrepared(probe: GaussianEmbedding, gallery: PreparedGallery): Float64Array;
/** Writes into `out` (length must match, else DIMENSION_MISMATCH) and returns that same array. */
export function mlsScanPrepared<T extends ScoreArray>(probe: GaussianEmbedding, gallery: PreparedGallery, out: T): T;
/** Forwarding form for an `out` that may be undefined: returns `out` or a new Float64Array. */
export function mlsScanPrepared(probe: GaussianEmbedding, gallery: PreparedGallery, out?: ScoreArray): ScoreArray;
export function mlsScanPrepared(probe: GaussianEmbedding, gallery: PreparedGallery, out?: ScoreArray): ScoreArray {
  return diagonalScoreScanPrepared(MLS_PAPER, probe, gallery, out);
}

/** Reference-form MLS of one probe against a prepared gallery (length N). */
export function mlsReferenceScanPrepared(probe: GaussianEmbedding, gallery: PreparedGallery): Float64Array;
/** Writes into `out` (length must match, else DIMENSION_MISMATCH) and returns that same array. */
export function mlsReferenceScanPrepared<T extends ScoreArray>(probe: GaussianEmbedding, gallery: PreparedGallery, out: T): T;
/** Forwarding form for an `out` that may be undefined: returns `out` or a new Float64Array. */
export function mlsReferenceScanPrepared(probe: GaussianEmbedding, gallery: PreparedGallery, out?: ScoreArray): ScoreArray;
export function mlsReferenceScanPrepared(probe: GaussianEmbedding, gallery: PreparedGallery, out?: ScoreArray): ScoreArray {
  return diagonalScoreScanPrepared(MLS_REFERENCE, probe, gallery, out);
}
