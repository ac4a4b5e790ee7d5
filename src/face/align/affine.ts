import { PfeError } from '../../core/errors.js';
import type { Point } from '../types.js';

/**
 * A 2×3 affine matrix, row-major as in OpenCV: [a, b, c, d, e, f] maps image point
 * (x, y) to (a·x + b·y + c, d·x + e·y + f). Pixel (i, j) is the point (i, j), i.e.
 * pixel centres at integer coordinates (OpenCV's convention, used by insightface).
 */
export type Affine2x3 = readonly [number, number, number, number, number, number];

/** Applies the affine map m to point p. */
export function applyAffine(m: Affine2x3, p: Point): Point {
  return { x: m[0] * p.x + m[1] * p.y + m[2], y: m[3] * p.x + m[4] * p.y + m[5] };
}

/**
 * The inverse of an affine map.
 * @throws PfeError INVALID_ARGUMENT when the linear part is singular (|det| < 1e-12)
 */
export function invertAffine(m: Affine2x3): Affine2x3 {
  const [a, b, c, d, e, f] = m;
  const det = a * e - b * d;
  // 1e-12: far below any scale a face alignment produces (≈ 0.1..100), far above float noise of a zero det.
  if (!(Math.abs(det) > 1e-12)) {
    throw new PfeError('INVALID_ARGUMENT', `affine matrix [${m.join(', ')}] is singular (det ${det}); it cannot be inverted`, { det });
  }
  const ia = e / det;
  const ib = -b / det;
  const id = -d / det;
  const ie = a / det;
  return [ia, ib, -(ia * c + ib * f), id, ie, -(id * c + ie * f)];
}
