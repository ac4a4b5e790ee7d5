/**
 * Raw kernel (arithmetic only): the "weighting" half of the MLS sum,
 *   Σ_l (muA[l] - muB[l])² / (sA[l] + sB[l]),
 * a variance-weighted squared distance (ablation: MLS without the log penalty).
 *
 * @param muA, sA row-major N_A×D; row starts at a0. @param muB, sB likewise, row at b0.
 * @param dim D. @param _blockSize unused; keeps the signature of mlsSumKernel.
 */
export function weightingSumKernel(
  muA: Float32Array,
  sA: Float32Array,
  a0: number,
  muB: Float32Array,
  sB: Float32Array,
  b0: number,
  dim: number,
  _blockSize: number,
): number {
  let weighted = 0;
  for (let l = 0; l < dim; l++) {
    const d = muA[a0 + l]! - muB[b0 + l]!;
    weighted += (d * d) / (sA[a0 + l]! + sB[b0 + l]!);
  }
  return weighted;
}
