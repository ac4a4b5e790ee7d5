/**
 * Raw kernel (arithmetic only, no checks): the MLS distance sum of one pair of rows,
 *   S = Σ_l [ (muA[l] - muB[l])² / (sA[l] + sB[l]) + log(sA[l] + sB[l]) ],
 * the quantity utils.pair_MLS_score of the reference code negates.
 * The log term is computed as a log of running float64 products over blocks of
 * `blockSize` dimensions (see block-log.ts), one Math.log per block.
 *
 * @param muA means of batch A, N_A×D row-major; row starts at offset a0.
 * @param sA variances of batch A, same layout (> 0).
 * @param muB, sB same for batch B; row starts at offset b0.
 * @param dim D.
 * @param blockSize from logBlockSize(min sA + min sB, max sA + max sB); the caller guarantees
 *   that every product of blockSize factors stays in float64's normal range.
 * @returns S in float64 (nats; the score is -S or -S/2 - D/2 log 2π).
 */
export function mlsSumKernel(
  muA: Float32Array,
  sA: Float32Array,
  a0: number,
  muB: Float32Array,
  sB: Float32Array,
  b0: number,
  dim: number,
  blockSize: number,
): number {
  let weighted = 0;
  let logSum = 0;
  let l = 0;
  while (l < dim) {
    const end = l + blockSize < dim ? l + blockSize : dim;
    let product = 1;
    for (; l < end; l++) {
      const s = sA[a0 + l]! + sB[b0 + l]!;
      const d = muA[a0 + l]! - muB[b0 + l]!;
      weighted += (d * d) / s;
      product *= s;
    }
    logSum += Math.log(product);
  }
  return weighted + logSum;
}
