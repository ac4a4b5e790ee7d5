import type { GaussianBatch, GaussianEmbedding } from './embedding.js';
import { harmonicMeanKernel } from './kernels/harmonic-mean.js';
import { checkBatchShape, checkEmbeddingShape, checkSigmaSqRow, outputArray, VarianceRange, type ScoreArray } from './validate.js';

/**
 * The paper's confidence measure for risk control: the harmonic mean of sigma² over the
 * D dimensions, D / Σ_l 1/sigma²_l. Lower = more confident; the harmonic mean is dominated
 * by the most certain dimensions. Same units as sigma². Only sigma² is read and checked.
 * Batch form (listed first: a batch also fits the embedding shape): out[i] = harmonic mean
 * of row i's sigma² (length N, float64 unless `out` is given).
 */
export function uncertaintyScore(batch: GaussianBatch): Float64Array;
/** Batch form writing into `out` (length N, else DIMENSION_MISMATCH); returns that same array. */
export function uncertaintyScore<T extends ScoreArray>(batch: GaussianBatch, out: T): T;
/** Batch form for an `out` that may be undefined: returns `out` or a new Float64Array. */
export function uncertaintyScore(batch: GaussianBatch, out?: ScoreArray): ScoreArray;
/** Single-embedding form: the harmonic mean of its D variances. */
export function uncertaintyScore(embedding: GaussianEmbedding): number;
export function uncertaintyScore(input: GaussianEmbedding | GaussianBatch, out?: ScoreArray): number | ScoreArray {
  if ('count' in input) return uncertaintyScores(input, out);
  checkEmbeddingShape(input, 'embedding');
  checkSigmaSqRow(input.sigmaSq, 0, input.dim, 'embedding', new VarianceRange());
  return harmonicMeanKernel(input.sigmaSq, 0, input.dim);
}

/** Harmonic mean of sigma² of each row of a batch (length N). Only sigma² is read and checked. */
export function uncertaintyScores(batch: GaussianBatch): Float64Array;
/** Writes into `out` (length must match, else DIMENSION_MISMATCH) and returns that same array. */
export function uncertaintyScores<T extends ScoreArray>(batch: GaussianBatch, out: T): T;
/** Forwarding form for an `out` that may be undefined: returns `out` or a new Float64Array. */
export function uncertaintyScores(batch: GaussianBatch, out?: ScoreArray): ScoreArray;
export function uncertaintyScores(batch: GaussianBatch, out?: ScoreArray): ScoreArray {
  checkBatchShape(batch, 'batch');
  const result = outputArray(out, batch.count);
  const range = new VarianceRange();
  for (let i = 0; i < batch.count; i++) checkSigmaSqRow(batch.sigmaSq, i, batch.dim, 'batch', range);
  for (let i = 0; i < batch.count; i++) result[i] = harmonicMeanKernel(batch.sigmaSq, i * batch.dim, batch.dim);
  return result;
}
