/**
 * Block size for the "log of a running product" trick used by the MLS kernels:
 * Σ_l log(s_l) is computed as Σ_blocks log(Π_{l in block} s_l), one Math.log per
 * block instead of one per dimension. This is exact up to rounding as long as no
 * partial product underflows or overflows float64.
 */

/**
 * Every partial product is kept inside [10^-LIMIT, 10^LIMIT]. 280 leaves 28 decades
 * of headroom before float64 leaves its normal range (2.2e-308 .. 1.8e308), so a
 * partial product never becomes subnormal (which would lose precision) or infinite.
 */
export const BLOCK_LOG_LIMIT_DECADES = 280;

/**
 * Largest block used: one Math.log per 32 dimensions. Measured on this project's
 * benchmark (src/bench), 32 is as fast as 16/64 at D = 512; the cap only matters for
 * well-behaved variances, extreme ranges get smaller blocks.
 */
export const MAX_LOG_BLOCK = 32;

/**
 * The largest block size b (1..MAX_LOG_BLOCK) such that a product of any b factors in
 * [minFactor, maxFactor] stays within [1e-280, 1e280] at every partial step.
 * A partial product of k factors lies in [min(1,minFactor)^k, max(1,maxFactor)^k],
 * so b = floor(280 / decades) with decades = the larger of |log10| of the two bounds.
 * b = 1 degenerates to one log per dimension (always exact).
 * @param minFactor smallest factor that can occur (> 0), e.g. min sigma²_A + min sigma²_B.
 * @param maxFactor largest factor that can occur (finite), e.g. max sigma²_A + max sigma²_B.
 */
export function logBlockSize(minFactor: number, maxFactor: number): number {
  const decadesBelow = minFactor < 1 ? -Math.log10(minFactor) : 0;
  const decadesAbove = maxFactor > 1 ? Math.log10(maxFactor) : 0;
  const decades = Math.max(decadesBelow, decadesAbove);
  if (!(decades > 0)) return MAX_LOG_BLOCK;
  if (!Number.isFinite(decades)) return 1;
  const b = Math.floor(BLOCK_LOG_LIMIT_DECADES / decades);
  return b < 1 ? 1 : b > MAX_LOG_BLOCK ? MAX_LOG_BLOCK : b;
}
