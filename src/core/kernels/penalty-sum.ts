/**
 * Raw kernel (arithmetic only): the "penalty" half of the MLS sum,
 *   Σ_l log(sA[l] + sB[l]),
 * (ablation: MLS without the distance term; it ignores the means). Uses the same
 * block-log product as mlsSumKernel.
 *
 * @param _muA, sA row-major N_A×D; row starts at a0. @param _muB, sB likewise, row at b0.
 * @param dim D. @param blockSize see logBlockSize.
 */
export function penaltySumKernel(
  _muA: Float32Array,
  sA: Float32Array,
  a0: number,
  _muB: Float32Array,
  sB: Float32Array,
  b0: number,
  dim: number,
  blockSize: number,
): number {
  let logSum = 0;
  let l = 0;
  while (l < dim) {
    const end = l + blockSize < dim ? l + blockSize : dim;
    let product = 1;
    for (; l < end; l++) product *= sA[a0 + l]! + sB[b0 + l]!;
    logSum += Math.log(product);
  }
  return logSum;
}
