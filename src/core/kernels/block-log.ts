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
 * Largest block used. Measured with the mls-sum kernel at D = 512 on this project's 2-core
 * VM (interleaved runs, other jobs running): blocks of 16 / 32 / 64 / 128 gave about
 * 0.6–0.7 / 0.6–0.8 / 0.65–0.9 / 0.7–0.95 M pairs/s and one log per dimension 0.23 M.
 * Past 64 the gain is within the noise, while a larger block needs a narrower variance
 * range before logBlockSize has to shrink it; extreme ranges always get smaller blocks.
 */
export const MAX_LOG_BLOCK = 64;

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
