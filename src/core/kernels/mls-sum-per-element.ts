/**
 * Raw kernel (arithmetic only): the same sum as mlsSumKernel, but with one Math.log
 * per dimension, exactly as written in the reference code. Used as the ground truth
 * for the block-log trick in tests and as a baseline in the benchmark.
 *
 * @param muA, sA row-major N_A×D means/variances; row starts at a0.
 * @param muB, sB row-major N_B×D means/variances; row starts at b0.
 * @param dim D.
 * @returns Σ_l [ (muA - muB)² / (sA + sB) + log(sA + sB) ] in float64.
 */
export function mlsSumPerElementLogKernel(
  muA: Float32Array,
  sA: Float32Array,
  a0: number,
  muB: Float32Array,
  sB: Float32Array,
  b0: number,
  dim: number,
): number {
  let sum = 0;
  for (let l = 0; l < dim; l++) {
    const s = sA[a0 + l]! + sB[b0 + l]!;
    const d = muA[a0 + l]! - muB[b0 + l]!;
    sum += (d * d) / s + Math.log(s);
  }
  return sum;
}
