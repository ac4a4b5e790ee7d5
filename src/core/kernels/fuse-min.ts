import { positiveFloat32 } from './positive-float32.js';

/**
 * The epsilon of the reference code's l2_normalize (utils.py: x / (eps + ||x||), eps = 1e-8);
 * it keeps an all-zero fused mean at zero instead of NaN.
 */
export const REFERENCE_L2_EPSILON = 1e-8;

/**
 * Raw kernel (arithmetic only): fusion as in the reference code (utils.aggregate_PFE):
 * attention weights w_i = (1/s_i) / Σ_j 1/s_j per dimension, μ̂ = Σ_i w_i μ_i, then
 * μ̂ ← μ̂ / (1e-8 + ||μ̂||); ŝ = min_i s_i per dimension (frames of a video are far from
 * independent, so the product rule would be over-confident).
 *
 * @param mu, sigmaSq N×D row-major means and variances (> 0).
 * @param dim D. @param members row indices (validated, non-empty).
 * @param outMu, outSigmaSq receive D values at outOffset.
 * @param scratch float64 work space of at least 3·D values (overwritten).
 */
export function fuseMinKernel(
  mu: Float32Array,
  sigmaSq: Float32Array,
  dim: number,
  members: ArrayLike<number>,
  outMu: Float32Array,
  outSigmaSq: Float32Array,
  outOffset: number,
  scratch: Float64Array,
): void {
  // scratch[l] = Σ μ_i/s_i, scratch[dim + l] = Σ 1/s_i, scratch[2dim + l] = min s_i
  scratch.fill(0, 0, 2 * dim);
  scratch.fill(Infinity, 2 * dim, 3 * dim);
  for (let m = 0; m < members.length; m++) {
    const row = members[m]! * dim;
    for (let l = 0; l < dim; l++) {
      const s = sigmaSq[row + l]!;
      const precision = 1 / s;
      scratch[l] += mu[row + l]! * precision;
      scratch[dim + l] += precision;
      if (s < scratch[2 * dim + l]!) scratch[2 * dim + l] = s;
    }
  }
  let squaredNorm = 0;
  for (let l = 0; l < dim; l++) {
    const weighted = scratch[l]! / scratch[dim + l]!;
    scratch[l] = weighted;
    squaredNorm += weighted * weighted;
  }
  const scale = 1 / (REFERENCE_L2_EPSILON + Math.sqrt(squaredNorm));
  for (let l = 0; l < dim; l++) {
    outMu[outOffset + l] = scratch[l]! * scale;
    outSigmaSq[outOffset + l] = positiveFloat32(scratch[2 * dim + l]!);
  }
}
