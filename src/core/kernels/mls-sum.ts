/**
 * Raw kernel (arithmetic only, no checks): the MLS distance sum of one pair of rows,
 *   S = Σ_l [ (muA[l] - muB[l])² / (sA[l] + sB[l]) + log(sA[l] + sB[l]) ],
 * the quantity utils.pair_MLS_score of the reference code negates.
 *
 * Two exact rewrites keep the float64 arithmetic cheap (division and log dominate):
 * - the log term is the log of running products over blocks of `blockSize` dimensions
 *   (see block-log.ts), one Math.log per block;
 * - the weighted term is summed over groups of four dimensions on a common denominator,
 *   d0²/s0 + … + d3²/s3 = (n01·s2s3 + n23·s0s1) / (s0s1s2s3) with n01 = d0²s1 + d1²s0,
 *   one division per four dimensions. The group product is the block product's factor
 *   anyway. For float32 inputs every term stays in float64's normal range: a sum s lies in
 *   [2^-149, 2^129], so a product of four in [2^-596, 2^516], and d² ≤ 2^258.
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
    for (; l + 4 <= end; l += 4) {
      const s0 = sA[a0 + l]! + sB[b0 + l]!;
      const s1 = sA[a0 + l + 1]! + sB[b0 + l + 1]!;
      const s2 = sA[a0 + l + 2]! + sB[b0 + l + 2]!;
      const s3 = sA[a0 + l + 3]! + sB[b0 + l + 3]!;
      const d0 = muA[a0 + l]! - muB[b0 + l]!;
      const d1 = muA[a0 + l + 1]! - muB[b0 + l + 1]!;
      const d2 = muA[a0 + l + 2]! - muB[b0 + l + 2]!;
      const d3 = muA[a0 + l + 3]! - muB[b0 + l + 3]!;
      const p01 = s0 * s1;
      const p23 = s2 * s3;
      const p = p01 * p23;
      weighted += ((d0 * d0 * s1 + d1 * d1 * s0) * p23 + (d2 * d2 * s3 + d3 * d3 * s2) * p01) / p;
      product *= p;
    }
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
