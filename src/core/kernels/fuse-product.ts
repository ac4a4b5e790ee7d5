import { positiveFloat32 } from './positive-float32.js';

/**
 * Raw kernel (arithmetic only): product-rule fusion of the rows `members` of an N×D batch
 * (the posterior of a latent code seen in conditionally independent images, paper eq. for
 * templates):  1/ŝ = Σ_i 1/s_i,  μ̂ = ŝ · Σ_i μ_i / s_i  (per dimension).
 *
 * @param mu, sigmaSq N×D row-major means and variances (> 0).
 * @param dim D. @param members row indices (validated, non-empty).
 * @param outMu, outSigmaSq receive D values at outOffset.
 * @param scratch float64 work space of at least 2·D values (overwritten).
 */
export function fuseProductKernel(
  mu: Float32Array,
  sigmaSq: Float32Array,
  dim: number,
  members: ArrayLike<number>,
  outMu: Float32Array,
  outSigmaSq: Float32Array,
  outOffset: number,
  scratch: Float64Array,
): void {
  // scratch[l] = Σ μ_i/s_i, scratch[dim + l] = Σ 1/s_i
  scratch.fill(0, 0, 2 * dim);
  for (let m = 0; m < members.length; m++) {
    const row = members[m]! * dim;
    for (let l = 0; l < dim; l++) {
      const precision = 1 / sigmaSq[row + l]!;
      scratch[l] += mu[row + l]! * precision;
      scratch[dim + l] += precision;
    }
  }
  for (let l = 0; l < dim; l++) {
    const precision = scratch[dim + l]!;
    outMu[outOffset + l] = scratch[l]! / precision;
    outSigmaSq[outOffset + l] = positiveFloat32(1 / precision);
  }
}
