/**
 * Float32 values as short decimal text: 9 significant digits give every float32 back from its
 * text (IEEE 754-2008, 5.12.2: ⌈24·log10 2⌉ + 1), where the double text of a float32 can take
 * up to 17. For files and lines that carry float32 data as text (score tables, import lines).
 */

/** Significant digits that give every float32 back, bit for bit. */
export const FLOAT32_SIGNIFICANT_DIGITS = 9;

/**
 * The double of at most 9 significant digits nearest to `value`: written as text (String,
 * JSON.stringify) it is at most 9 digits long, and read back as a float32 it is `value`'s
 * float32, bit for bit (−0 reads back as 0, as in JSON).
 */
export function float32Number(value: number): number {
  return Number(value.toPrecision(FLOAT32_SIGNIFICANT_DIGITS));
}
