/** Smallest positive float32 (the subnormal 2^-149). */
export const MIN_POSITIVE_FLOAT32 = 2 ** -149;

/**
 * Rounds a positive float64 variance to float32 without letting it underflow to 0
 * (a fused variance of many tiny variances can be below float32's range; 0 would be
 * an invalid variance, so it is clamped to the smallest positive float32).
 */
export function positiveFloat32(value: number): number {
  const rounded = Math.fround(value);
  return rounded > 0 ? rounded : MIN_POSITIVE_FLOAT32;
}
