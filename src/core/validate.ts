import type { GaussianBatch, GaussianEmbedding } from './embedding.js';
import { PfeError } from './errors.js';

/**
 * Input checks of the public op layer (shapes, indices, finite values), kept apart from
 * the raw kernels so that a different backend (e.g. WASM) can sit behind the same API.
 * Score functions do not trust that a GaussianBatch came from gaussianBatch(): it is a
 * plain interface, so every op re-checks the rows it reads (O(rows·D), not O(pairs·D)).
 */

/** Output array of a score op: float64 by default, float32 if the caller supplies one. */
export type ScoreArray = Float64Array | Float32Array;

/** Row indices of aligned pairs. */
export type IndexArray = Int32Array | Uint32Array;

/** Running min/max of the variances seen while checking rows (feeds logBlockSize). */
export class VarianceRange {
  min = Infinity;
  max = 0;
}

/** Throws unless `dim` is a positive integer. */
export function checkDim(dim: number, name: string): void {
  if (!Number.isInteger(dim) || dim < 1) {
    throw new PfeError('INVALID_ARGUMENT', `${name}.dim must be a positive integer, got ${dim}`, { name, dim });
  }
}

/** The part of a batch that mean-only scores (cosine) read. */
export type MeanBatch = Pick<GaussianBatch, 'count' | 'dim' | 'mu'>;

/** The part of an embedding that mean-only scores (cosine) read. */
export type MeanEmbedding = Pick<GaussianEmbedding, 'dim' | 'mu'>;

/**
 * Checks the shape of a batch: dim ≥ 1, count ≥ 1, mu and sigmaSq of length count·dim.
 * @throws PfeError INVALID_ARGUMENT, EMPTY_INPUT, DIMENSION_MISMATCH
 */
export function checkBatchShape(batch: GaussianBatch, name: string): void {
  checkMeanBatchShape(batch, name);
  const expected = batch.count * batch.dim;
  if (batch.sigmaSq.length !== expected) {
    throw new PfeError('DIMENSION_MISMATCH', `${name}.sigmaSq has ${batch.sigmaSq.length} values, expected count×dim = ${expected}`, {
      name,
      length: batch.sigmaSq.length,
      expected,
    });
  }
}

/**
 * Checks the mean part of a batch: dim ≥ 1, count ≥ 1, mu of length count·dim.
 * @throws PfeError INVALID_ARGUMENT, EMPTY_INPUT, DIMENSION_MISMATCH
 */
export function checkMeanBatchShape(batch: MeanBatch, name: string): void {
  checkDim(batch.dim, name);
  if (!Number.isInteger(batch.count) || batch.count < 0) {
    throw new PfeError('INVALID_ARGUMENT', `${name}.count must be a non-negative integer, got ${batch.count}`, { name, count: batch.count });
  }
  if (batch.count === 0) throw new PfeError('EMPTY_INPUT', `${name} has no embeddings`, { name });
  const expected = batch.count * batch.dim;
  if (batch.mu.length !== expected) {
    throw new PfeError('DIMENSION_MISMATCH', `${name}.mu has ${batch.mu.length} values, expected count×dim = ${expected}`, {
      name,
      length: batch.mu.length,
      expected,
    });
  }
}

/**
 * Checks a single embedding: dim ≥ 1, mu and sigmaSq of length dim.
 * @throws PfeError INVALID_ARGUMENT, EMPTY_INPUT, DIMENSION_MISMATCH
 */
export function checkEmbeddingShape(embedding: GaussianEmbedding, name: string): void {
  checkMeanEmbeddingShape(embedding, name);
  if (embedding.sigmaSq.length !== embedding.dim) {
    throw new PfeError('DIMENSION_MISMATCH', `${name} has dim ${embedding.dim} but ${embedding.sigmaSq.length} variances`, {
      name,
      dim: embedding.dim,
      sigmaSqLength: embedding.sigmaSq.length,
    });
  }
}

/**
 * Checks the mean part of a single embedding: dim ≥ 1 and mu of length dim.
 * @throws PfeError INVALID_ARGUMENT, EMPTY_INPUT, DIMENSION_MISMATCH
 */
export function checkMeanEmbeddingShape(embedding: MeanEmbedding, name: string): void {
  if (embedding.dim === 0 || embedding.mu.length === 0) throw new PfeError('EMPTY_INPUT', `${name} has no dimensions`, { name });
  checkDim(embedding.dim, name);
  if (embedding.mu.length !== embedding.dim) {
    throw new PfeError('DIMENSION_MISMATCH', `${name} has dim ${embedding.dim} but ${embedding.mu.length} means`, {
      name,
      dim: embedding.dim,
      muLength: embedding.mu.length,
    });
  }
}

/** Views a single embedding as a one-row batch (no copy); call checkEmbeddingShape first. */
export function asOneRowBatch(embedding: GaussianEmbedding): GaussianBatch {
  return { count: 1, dim: embedding.dim, mu: embedding.mu, sigmaSq: embedding.sigmaSq };
}

/** Throws DIMENSION_MISMATCH unless both operands have the same D. */
export function checkSameDim(dimA: number, dimB: number, nameA: string, nameB: string): void {
  if (dimA !== dimB) {
    throw new PfeError('DIMENSION_MISMATCH', `${nameA} has dim ${dimA} but ${nameB} has dim ${dimB}`, { dimA, dimB });
  }
}

/**
 * Checks that row `row` of an N×D mean array is finite.
 * @throws PfeError NON_FINITE naming the row and column.
 */
export function checkMuRow(mu: Float32Array, row: number, dim: number, name: string): void {
  const start = row * dim;
  // v·0 is 0 for finite v and NaN for ±Inf/NaN: one multiply-add per value, no branch;
  // the slow loop below only runs to name the bad column.
  let probe = 0;
  for (let l = 0; l < dim; l++) probe += mu[start + l]! * 0;
  if (probe === 0) return;
  for (let l = 0; l < dim; l++) {
    const v = mu[start + l]!;
    if (!Number.isFinite(v)) {
      throw new PfeError('NON_FINITE', `${name}.mu[${row}][${l}] is ${v}; every value must be finite`, { name, row, column: l, value: v });
    }
  }
}

/**
 * Checks that row `row` of an N×D mean array is finite and returns its squared L2 norm
 * (float64), which cosine needs anyway.
 * @throws PfeError NON_FINITE naming the row and column.
 */
export function checkMuRowSquaredNorm(mu: Float32Array, row: number, dim: number, name: string): number {
  const start = row * dim;
  let squaredNorm = 0;
  for (let l = 0; l < dim; l++) {
    const v = mu[start + l]!;
    squaredNorm += v * v;
  }
  // A finite float32 squared is at most ~1.2e77, so the float64 sum is finite iff every value is.
  if (!Number.isFinite(squaredNorm)) checkMuRow(mu, row, dim, name);
  return squaredNorm;
}

/**
 * Checks that row `row` of an N×D variance array is finite and > 0, widening `range`.
 * @throws PfeError NON_FINITE or NON_POSITIVE_VARIANCE naming the row and column.
 */
export function checkSigmaSqRow(sigmaSq: Float32Array, row: number, dim: number, name: string, range: VarianceRange): void {
  const start = row * dim;
  let min = Infinity;
  let max = -Infinity;
  let probe = 0; // NaN iff some value is ±Inf or NaN (see checkMuRow)
  for (let l = 0; l < dim; l++) {
    const v = sigmaSq[start + l]!;
    probe += v * 0;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (probe !== 0 || !(min > 0)) {
    for (let l = 0; l < dim; l++) {
      const v = sigmaSq[start + l]!;
      if (!Number.isFinite(v)) {
        throw new PfeError('NON_FINITE', `${name}.sigmaSq[${row}][${l}] is ${v}; every value must be finite`, { name, row, column: l, value: v });
      }
    }
    for (let l = 0; l < dim; l++) {
      const v = sigmaSq[start + l]!;
      if (!(v > 0)) {
        throw new PfeError('NON_POSITIVE_VARIANCE', `${name}.sigmaSq[${row}][${l}] is ${v}; variances must be > 0`, {
          name,
          row,
          column: l,
          value: v,
        });
      }
    }
  }
  if (min < range.min) range.min = min;
  if (max > range.max) range.max = max;
}

/** Checks every row of a batch (means finite, variances finite and > 0), widening `range`. */
export function checkGaussianRows(batch: GaussianBatch, name: string, range: VarianceRange): void {
  for (let row = 0; row < batch.count; row++) {
    checkMuRow(batch.mu, row, batch.dim, name);
    checkSigmaSqRow(batch.sigmaSq, row, batch.dim, name, range);
  }
}

/**
 * Checks aligned index lists: equal, non-zero length, every index an integer in range.
 * @throws PfeError DIMENSION_MISMATCH, EMPTY_INPUT, INDEX_OUT_OF_RANGE
 */
export function checkPairIndices(indexA: IndexArray, indexB: IndexArray, countA: number, countB: number): void {
  if (indexA.length !== indexB.length) {
    throw new PfeError('DIMENSION_MISMATCH', `index lists differ in length: ${indexA.length} vs ${indexB.length}`, {
      lengthA: indexA.length,
      lengthB: indexB.length,
    });
  }
  if (indexA.length === 0) throw new PfeError('EMPTY_INPUT', 'no pairs to score');
  checkIndexList(indexA, countA, 'indexA');
  checkIndexList(indexB, countB, 'indexB');
}

/**
 * Checks that every entry of an index list is an integer in 0..count-1.
 * @throws PfeError INDEX_OUT_OF_RANGE naming the position and value.
 */
export function checkIndexList(indices: ArrayLike<number>, count: number, name: string): void {
  for (let k = 0; k < indices.length; k++) {
    const index = indices[k]!;
    if (!Number.isInteger(index) || index < 0 || index >= count) {
      throw new PfeError('INDEX_OUT_OF_RANGE', `${name}[${k}] = ${index} is outside 0..${count - 1}`, { name, position: k, index, count });
    }
  }
}

/**
 * Returns `out` after checking its length, or a new Float64Array of `length`.
 * Overloads rather than one generic `<T>(out?: T): T`, which would let a caller claim
 * T = Float32Array while the function allocates a Float64Array.
 * @throws PfeError DIMENSION_MISMATCH when out has the wrong length.
 */
export function outputArray(out: undefined, length: number): Float64Array;
/** The caller's array itself, after checking its length. */
export function outputArray<T extends ScoreArray>(out: T, length: number): T;
/** Forwarding form (out may be undefined): `out` or a new Float64Array. */
export function outputArray(out: ScoreArray | undefined, length: number): ScoreArray;
export function outputArray(out: ScoreArray | undefined, length: number): ScoreArray {
  if (out === undefined) return new Float64Array(length);
  if (out.length !== length) {
    throw new PfeError('DIMENSION_MISMATCH', `out has length ${out.length}, expected ${length}`, { length: out.length, expected: length });
  }
  return out;
}
