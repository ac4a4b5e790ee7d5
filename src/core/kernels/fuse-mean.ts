import { positiveFloat32 } from './positive-float32.js';

/**
 * Raw kernel (arithmetic only): the uncertainty-blind baseline, μ̂ = (1/n) Σ_i μ_i
 * (not normalised), with ŝ = Σ_i s_i / n² per dimension: the variance of the plain
 * average of n independent Gaussian observations μ_i ~ N(z, s_i). It uses the same
 * independence assumption as the product rule, so the two are comparable; ŝ is never
 * below the product rule's (the unweighted average is the less efficient estimator).
 *
 * @param mu, sigmaSq N×D row-major means and variances (> 0).
 * @param dim D. @param members row indices (validated, non-empty).
 * @param outMu, outSigmaSq receive D values at outOffset.
 * @param scratch float64 work space of at least 2·D values (overwritten).
 */
export function fuseMeanKernel(
  mu: Float32Array,
  sigmaSq: Float32Array,
  dim: number,
  members: ArrayLike<number>,
  outMu: Float32Array,
  outSigmaSq: Float32Array,
  outOffset: number,
  scratch: Float64Array,
): void {
  scratch.fill(0, 0, 2 * dim);
  for (let m = 0; m < members.length; m++) {
    const row = members[m]! * dim;
    for (let l = 0; l < dim; l++) {
      scratch[l] += mu[row + l]!;
      scratch[dim + l] += sigmaSq[row + l]!;
    }
  }
  const n = members.length;
  for (let l = 0; l < dim; l++) {
    outMu[outOffset + l] = scratch[l]! / n;
    outSigmaSq[outOffset + l] = positiveFloat32(scratch[dim + l]! / (n * n));
  }
}
