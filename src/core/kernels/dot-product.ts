/**
 * Raw kernel (arithmetic only): Σ_l x[x0 + l] · y[y0 + l] in float64.
 * @param x row-major N_x×D array; the row starts at x0. @param y likewise, row at y0.
 * @param dim D.
 */
export function dotProductKernel(x: Float32Array, x0: number, y: Float32Array, y0: number, dim: number): number {
  let sum = 0;
  for (let l = 0; l < dim; l++) sum += x[x0 + l]! * y[y0 + l]!;
  return sum;
}
