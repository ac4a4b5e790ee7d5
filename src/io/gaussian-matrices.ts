import { assertFinite, assertPositiveVariance, gaussianBatch, type GaussianBatch } from '../core/embedding.js';
import { PfeError } from '../core/errors.js';
import type { NpyMatrix } from './npy.js';

/** Names used in error messages for the two matrices (file paths when loading from disk). */
export interface GaussianMatrixNames {
  readonly mu: string;
  readonly sigmaSq: string;
}

/**
 * Builds a validated GaussianBatch from a mean matrix and a variance matrix, as stored
 * in `mu.npy` / `sigma_sq.npy`. Pure (no I/O).
 * @param mu N×D means.
 * @param sigmaSq N×D variances, or N×1 (one isotropic variance per row, broadcast over D).
 * @param names how to call the two inputs in error messages.
 * @throws PfeError DIMENSION_MISMATCH naming both shapes, EMPTY_INPUT (N or D is 0),
 *   NON_FINITE / NON_POSITIVE_VARIANCE naming the input, row and column.
 */
export function gaussianBatchFromMatrices(
  mu: NpyMatrix,
  sigmaSq: NpyMatrix,
  names: GaussianMatrixNames = { mu: 'mu', sigmaSq: 'sigma_sq' },
): GaussianBatch {
  if (sigmaSq.rows !== mu.rows || (sigmaSq.cols !== mu.cols && sigmaSq.cols !== 1)) {
    throw new PfeError(
      'DIMENSION_MISMATCH',
      `${names.mu} has shape (${mu.rows}, ${mu.cols}) but ${names.sigmaSq} has shape (${sigmaSq.rows}, ${sigmaSq.cols}); ` +
        `expected (${mu.rows}, ${mu.cols}) or (${mu.rows}, 1)`,
      { muShape: [mu.rows, mu.cols], sigmaSqShape: [sigmaSq.rows, sigmaSq.cols] },
    );
  }
  if (mu.rows === 0 || mu.cols === 0) {
    throw new PfeError('EMPTY_INPUT', `${names.mu} has shape (${mu.rows}, ${mu.cols}); at least one row and one column are required`, {
      muShape: [mu.rows, mu.cols],
    });
  }
  // Validate before broadcasting so the error names the column as stored in the file.
  assertFinite(mu.data, mu.cols, names.mu);
  assertPositiveVariance(sigmaSq.data, sigmaSq.cols, names.sigmaSq);
  let variances = sigmaSq.data;
  if (sigmaSq.cols !== mu.cols) {
    variances = new Float32Array(mu.rows * mu.cols);
    for (let i = 0; i < mu.rows; i++) variances.fill(sigmaSq.data[i]!, i * mu.cols, (i + 1) * mu.cols);
  }
  return gaussianBatch(mu.data, variances, mu.cols);
}
