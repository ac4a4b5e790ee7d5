import type { GaussianBatch, GaussianEmbedding } from './embedding.js';
import { PfeError } from './errors.js';
import { scoreRowAgainstBatch, type DiagonalScoreDefinition } from './diagonal-score.js';
import { logBlockSize } from './kernels/block-log.js';
import { MLS_PAPER, MLS_REFERENCE } from './mls.js';
import { checkBatchShape, checkEmbeddingShape, checkGaussianRows, checkMuRow, checkSameDim, checkSigmaSqRow, outputArray, VarianceRange, type ScoreArray } from './validate.js';

/**
 * A gallery checked once and scanned many times (identification against enrolled
 * templates). The score ops re-check every row they read because a GaussianBatch is a
 * plain, mutable interface; for a 1×N scan that check costs about as much as the scores.
 * A prepared gallery holds its own private copy of the rows, checked at preparation, so a
 * scan only checks the probe. The object is opaque: its rows cannot be changed afterwards.
 */
export interface PreparedGallery {
  /** Number of rows N. */
  readonly count: number;
  /** Dimension D. */
  readonly dim: number;
}

interface PreparedRows {
  readonly batch: GaussianBatch;
  readonly range: VarianceRange;
}

/** The private rows of each prepared gallery; unreachable from outside this module. */
const rowsOf = new WeakMap<PreparedGallery, PreparedRows>();

/**
 * Checks a gallery (finite means, finite variances > 0) and keeps a private copy of it.
 * Cost: one pass and one copy of N×D values.
 * @throws PfeError EMPTY_INPUT, DIMENSION_MISMATCH, NON_FINITE, NON_POSITIVE_VARIANCE, INVALID_ARGUMENT
 */
export function prepareGallery(batch: GaussianBatch): PreparedGallery {
  checkBatchShape(batch, 'gallery');
  const copy: GaussianBatch = { count: batch.count, dim: batch.dim, mu: batch.mu.slice(), sigmaSq: batch.sigmaSq.slice() };
  // Check the copy, not the caller's arrays: what was checked is exactly what is kept.
  const range = new VarianceRange();
  checkGaussianRows(copy, 'gallery', range);
  const gallery: PreparedGallery = Object.freeze({ count: copy.count, dim: copy.dim });
  rowsOf.set(gallery, { batch: copy, range });
  return gallery;
}

function rowsOfGallery(gallery: PreparedGallery): PreparedRows {
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
  const { batch, range } = rowsOfGallery(gallery);
  checkEmbeddingShape(probe, 'probe');
  checkSameDim(probe.dim, batch.dim, 'probe', 'gallery');
  const probeRange = new VarianceRange();
  checkMuRow(probe.mu, 0, probe.dim, 'probe');
  checkSigmaSqRow(probe.sigmaSq, 0, probe.dim, 'probe', probeRange);
  const result = outputArray(out, batch.count);
  const blockSize = logBlockSize(probeRange.min + range.min, probeRange.max + range.max);
  scoreRowAgainstBatch(definition, probe.mu, probe.sigmaSq, 0, batch, blockSize, result, 0);
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
