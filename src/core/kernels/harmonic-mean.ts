/**
 * Raw kernel (arithmetic only): harmonic mean of values[start .. start+dim),
 *   dim / Σ_l 1/values[start + l], in float64. Values must be > 0.
 * @param values row-major N×D array (here: sigma²). @param start row offset. @param dim D.
 */
export function harmonicMeanKernel(values: Float32Array, start: number, dim: number): number {
  let inverseSum = 0;
  for (let l = 0; l < dim; l++) inverseSum += 1 / values[start + l]!;
  return dim / inverseSum;
}
