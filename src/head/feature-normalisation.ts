/**
 * Fitted feature transforms stored with a head: the input normalisation of the head's
 * features and the centring of mu used for scoring. Pure typed-array code (browser-safe).
 */
import { PfeError } from '../core/errors.js';

function checkRows(values: Float32Array, dim: number, name: string): number {
  if (!Number.isInteger(dim) || dim < 1 || values.length % dim !== 0) {
    throw new PfeError('DIMENSION_MISMATCH', `${name} has ${values.length} values, not a multiple of ${dim}`, { name, dim });
  }
  const rows = values.length / dim;
  if (rows === 0) throw new PfeError('EMPTY_INPUT', `${name} has no rows`);
  return rows;
}

/**
 * Column means of an N×C row-major matrix (float64 accumulation), optionally over a subset of rows.
 * @returns length C
 */
export function columnMeans(values: Float32Array, dim: number, rows?: ArrayLike<number>): Float32Array {
  const n = checkRows(values, dim, 'values');
  const sum = new Float64Array(dim);
  const count = rows === undefined ? n : rows.length;
  if (count === 0) throw new PfeError('EMPTY_INPUT', 'no rows to average');
  for (let k = 0; k < count; k++) {
    const r = rows === undefined ? k : rows[k]!;
    if (r < 0 || r >= n) throw new PfeError('INDEX_OUT_OF_RANGE', `row ${r} is outside 0..${n - 1}`);
    const o = r * dim;
    for (let l = 0; l < dim; l++) sum[l]! += values[o + l]!;
  }
  const out = new Float32Array(dim);
  for (let l = 0; l < dim; l++) out[l] = sum[l]! / count;
  return out;
}

/**
 * The global input scale 1/sqrt(mean over columns of the column variance), so that the
 * normalised features x = (f − mean)·scale have average per-column variance 1. One number
 * (not one per column) so that sparse, almost-always-zero columns are not blown up.
 */
export function fitInputScale(values: Float32Array, dim: number, mean: Float32Array, rows?: ArrayLike<number>): number {
  const n = checkRows(values, dim, 'values');
  const count = rows === undefined ? n : rows.length;
  let sq = 0;
  for (let k = 0; k < count; k++) {
    const o = (rows === undefined ? k : rows[k]!) * dim;
    for (let l = 0; l < dim; l++) {
      const d = values[o + l]! - mean[l]!;
      sq += d * d;
    }
  }
  const meanVar = sq / (count * dim);
  if (!(meanVar > 0)) throw new PfeError('INVALID_ARGUMENT', 'the input features have zero variance; cannot fit an input scale');
  return 1 / Math.sqrt(meanVar);
}

/**
 * x = (f − mean)·scale for the listed rows (all rows when `rows` is absent), N'×C row-major.
 * @param out optional destination of length rows.length·C
 */
export function normaliseInput(values: Float32Array, dim: number, mean: Float32Array, scale: number, rows?: ArrayLike<number>, out?: Float32Array): Float32Array {
  const n = checkRows(values, dim, 'features');
  if (mean.length !== dim) throw new PfeError('DIMENSION_MISMATCH', `input mean has ${mean.length} values, features have ${dim} columns`);
  const count = rows === undefined ? n : rows.length;
  const result = out ?? new Float32Array(count * dim);
  for (let k = 0; k < count; k++) {
    const src = (rows === undefined ? k : rows[k]!) * dim;
    const dst = k * dim;
    for (let l = 0; l < dim; l++) result[dst + l] = (values[src + l]! - mean[l]!) * scale;
  }
  return result;
}

/**
 * Centred mu for scoring: each row minus `muMean`, L2-normalised again (a zero row stays zero).
 * With an all-zero muMean this only re-normalises. N×D in, N×D out.
 */
export function centreMu(mu: Float32Array, dim: number, muMean: Float32Array): Float32Array {
  const n = checkRows(mu, dim, 'mu');
  if (muMean.length !== dim) throw new PfeError('DIMENSION_MISMATCH', `mu mean has ${muMean.length} values, mu has ${dim} columns`);
  const out = new Float32Array(mu.length);
  for (let r = 0; r < n; r++) {
    const o = r * dim;
    let norm = 0;
    for (let l = 0; l < dim; l++) {
      const v = mu[o + l]! - muMean[l]!;
      out[o + l] = v;
      norm += v * v;
    }
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let l = 0; l < dim; l++) out[o + l]! *= inv;
  }
  return out;
}
