import { PfeError } from './errors.js';

/**
 * A batch of N Gaussian face embeddings N(mu_i, diag(sigmaSq_i)) of dimension D.
 * Both arrays are contiguous, row-major N×D: element (i, l) is at i*dim + l.
 * Instances are validated at construction and treated as immutable by the library.
 */
export interface GaussianBatch {
  /** Number of embeddings (rows). */
  readonly count: number;
  /** Embedding dimension D (columns). */
  readonly dim: number;
  /** Means, N×D row-major. */
  readonly mu: Float32Array;
  /** Variances sigma², N×D row-major, every entry finite and > 0. */
  readonly sigmaSq: Float32Array;
}

/** One Gaussian embedding: views (no copies) of length D into a batch or standalone arrays. */
export interface GaussianEmbedding {
  readonly dim: number;
  readonly mu: Float32Array;
  readonly sigmaSq: Float32Array;
}

function ensurePositiveInteger(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new PfeError('INVALID_ARGUMENT', `${name} must be a positive integer, got ${value}`, { [name]: value });
  }
}

/**
 * Checks that every value of an N×D row-major array is finite.
 * Throws NON_FINITE naming the first bad row and column.
 */
export function assertFinite(values: Float32Array | Float64Array, dim: number, name: string): void {
  for (let k = 0; k < values.length; k++) {
    const v = values[k]!;
    if (!Number.isFinite(v)) {
      const row = Math.floor(k / dim);
      const column = k - row * dim;
      throw new PfeError('NON_FINITE', `${name}[${row}][${column}] is ${v}; every value must be finite`, { name, row, column, value: v });
    }
  }
}

/**
 * Checks that every value of an N×D row-major variance array is finite and > 0.
 * Throws NON_FINITE or NON_POSITIVE_VARIANCE naming the first bad row and column.
 */
export function assertPositiveVariance(values: Float32Array | Float64Array, dim: number, name: string): void {
  assertFinite(values, dim, name);
  for (let k = 0; k < values.length; k++) {
    const v = values[k]!;
    if (!(v > 0)) {
      const row = Math.floor(k / dim);
      const column = k - row * dim;
      throw new PfeError('NON_POSITIVE_VARIANCE', `${name}[${row}][${column}] is ${v}; variances must be > 0`, { name, row, column, value: v });
    }
  }
}

/**
 * Wraps (without copying) N×D mean and variance arrays as a validated GaussianBatch.
 * @param mu N×D row-major means.
 * @param sigmaSq N×D row-major variances (> 0).
 * @param dim D; N is inferred as mu.length / dim.
 * @throws PfeError DIMENSION_MISMATCH, NON_FINITE, NON_POSITIVE_VARIANCE, EMPTY_INPUT, INVALID_ARGUMENT
 */
export function gaussianBatch(mu: Float32Array, sigmaSq: Float32Array, dim: number): GaussianBatch {
  ensurePositiveInteger(dim, 'dim');
  if (mu.length !== sigmaSq.length) {
    throw new PfeError('DIMENSION_MISMATCH', `mu has ${mu.length} values but sigmaSq has ${sigmaSq.length}; both must be N×D`, {
      muLength: mu.length,
      sigmaSqLength: sigmaSq.length,
    });
  }
  if (mu.length % dim !== 0) {
    throw new PfeError('DIMENSION_MISMATCH', `mu has ${mu.length} values, not a multiple of dim ${dim}`, { muLength: mu.length, dim });
  }
  assertFinite(mu, dim, 'mu');
  assertPositiveVariance(sigmaSq, dim, 'sigmaSq');
  return { count: mu.length / dim, dim, mu, sigmaSq };
}

/**
 * Builds a validated batch from nested arrays (convenient for small inputs and tests).
 * @param mu N rows of D means.
 * @param sigmaSq N rows of D variances, or N scalars (one isotropic variance per row).
 */
export function gaussianBatchFromRows(mu: readonly (readonly number[])[], sigmaSq: readonly (readonly number[] | number)[]): GaussianBatch {
  if (mu.length === 0) throw new PfeError('EMPTY_INPUT', 'at least one embedding is required');
  if (sigmaSq.length !== mu.length) {
    throw new PfeError('DIMENSION_MISMATCH', `mu has ${mu.length} rows but sigmaSq has ${sigmaSq.length}`, { muRows: mu.length, sigmaSqRows: sigmaSq.length });
  }
  const dim = mu[0]!.length;
  ensurePositiveInteger(dim, 'dim');
  const muFlat = new Float32Array(mu.length * dim);
  const sigmaFlat = new Float32Array(mu.length * dim);
  for (let i = 0; i < mu.length; i++) {
    const row = mu[i]!;
    if (row.length !== dim) {
      throw new PfeError('DIMENSION_MISMATCH', `mu row ${i} has ${row.length} values, expected ${dim}`, { row: i, length: row.length, dim });
    }
    muFlat.set(row, i * dim);
    const s = sigmaSq[i]!;
    if (typeof s === 'number') {
      sigmaFlat.fill(s, i * dim, (i + 1) * dim);
    } else {
      if (s.length !== dim) {
        throw new PfeError('DIMENSION_MISMATCH', `sigmaSq row ${i} has ${s.length} values, expected ${dim}`, { row: i, length: s.length, dim });
      }
      sigmaFlat.set(s, i * dim);
    }
  }
  return gaussianBatch(muFlat, sigmaFlat, dim);
}

/** A view (no copy) of row `index` of a batch. */
export function embeddingAt(batch: GaussianBatch, index: number): GaussianEmbedding {
  if (!Number.isInteger(index) || index < 0 || index >= batch.count) {
    throw new PfeError('INDEX_OUT_OF_RANGE', `index ${index} is outside 0..${batch.count - 1}`, { index, count: batch.count });
  }
  const start = index * batch.dim;
  const end = start + batch.dim;
  return { dim: batch.dim, mu: batch.mu.subarray(start, end), sigmaSq: batch.sigmaSq.subarray(start, end) };
}

/** Validates a single embedding given as two length-D arrays. */
export function gaussianEmbedding(mu: Float32Array, sigmaSq: Float32Array): GaussianEmbedding {
  const batch = gaussianBatch(mu, sigmaSq, mu.length === 0 ? 1 : mu.length);
  if (batch.count === 0) throw new PfeError('EMPTY_INPUT', 'an embedding needs at least one dimension');
  return { dim: batch.dim, mu, sigmaSq };
}
