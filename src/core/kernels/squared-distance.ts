/**
 * Raw kernel (arithmetic only): squared Euclidean distance Σ_l (x[x0+l] - y[y0+l])²
 * in float64 (the data term of the isotropic MLS).
 * @param x row-major N_x×D array; the row starts at x0. @param y likewise, row at y0.
 * @param dim D.
 */
export function squaredDistanceKernel(x: Float32Array, x0: number, y: Float32Array, y0: number, dim: number): number {
  let sum = 0;
  for (let l = 0; l < dim; l++) {
    const d = x[x0 + l]! - y[y0 + l]!;
    sum += d * d;
  }
  return sum;
}
