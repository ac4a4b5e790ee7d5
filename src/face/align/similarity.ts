import { PfeError } from '../../core/errors.js';
import type { Point } from '../types.js';
import type { Affine2x3 } from './affine.js';

/**
 * Least-squares similarity transform (rotation, uniform scale, translation; no reflection)
 * mapping the points `src` onto `dst`: minimises Σ_i |s·R·src_i + t − dst_i|² over
 * s ≥ 0, R ∈ SO(2), t ∈ R², as in Umeyama (1991), "Least-squares estimation of
 * transformation parameters between two point patterns", IEEE TPAMI 13(4), with the
 * reflection excluded.
 *
 * In 2-D, s·R is exactly the set of matrices [[a, −b], [b, a]], so the problem is linear
 * in (a, b) and Umeyama's SVD solution reduces to the closed form used here (centred
 * points x̃ = src − mean, ỹ = dst − mean):
 *   a = Σ x̃·ỹ / Σ|x̃|²,  b = Σ (x̃_x ỹ_y − x̃_y ỹ_x) / Σ|x̃|²,  t = mean(dst) − [[a, −b], [b, a]]·mean(src).
 * Its determinant a² + b² is never negative, so a mirror image is never produced.
 *
 * @param src N ≥ 2 source points (e.g. detected landmarks, image pixels)
 * @param dst N target points in the same order (e.g. the ArcFace template)
 * @returns the 2×3 matrix mapping src coordinates to dst coordinates
 * @throws PfeError DIMENSION_MISMATCH (different counts), INVALID_ARGUMENT (N < 2 or all src
 *   points coincide), NON_FINITE (a NaN/∞ coordinate, naming the point)
 */
export function similarityTransform(src: readonly Point[], dst: readonly Point[]): Affine2x3 {
  const n = src.length;
  if (dst.length !== n) {
    throw new PfeError('DIMENSION_MISMATCH', `src has ${n} points but dst has ${dst.length}; they must correspond one to one`, {
      src: n,
      dst: dst.length,
    });
  }
  if (n < 2) throw new PfeError('INVALID_ARGUMENT', `a similarity transform needs at least 2 point pairs, got ${n}`, { n });
  let msx = 0;
  let msy = 0;
  let mdx = 0;
  let mdy = 0;
  for (let i = 0; i < n; i++) {
    const s = src[i]!;
    const d = dst[i]!;
    if (!Number.isFinite(s.x) || !Number.isFinite(s.y) || !Number.isFinite(d.x) || !Number.isFinite(d.y)) {
      throw new PfeError('NON_FINITE', `point ${i} is not finite: src (${s.x}, ${s.y}), dst (${d.x}, ${d.y})`, { index: i });
    }
    msx += s.x;
    msy += s.y;
    mdx += d.x;
    mdy += d.y;
  }
  msx /= n;
  msy /= n;
  mdx /= n;
  mdy /= n;
  let sxx = 0;
  let dot = 0;
  let cross = 0;
  for (let i = 0; i < n; i++) {
    const sx = src[i]!.x - msx;
    const sy = src[i]!.y - msy;
    const dx = dst[i]!.x - mdx;
    const dy = dst[i]!.y - mdy;
    sxx += sx * sx + sy * sy;
    dot += sx * dx + sy * dy;
    cross += sx * dy - sy * dx;
  }
  // Relative test: the spread of src must not vanish against the size of its coordinates.
  const magnitude = Math.max(1, msx * msx + msy * msy);
  if (!(sxx > 1e-18 * magnitude * n)) {
    throw new PfeError('INVALID_ARGUMENT', `the ${n} source points coincide (spread ${sxx}); no transform is defined`, { spread: sxx });
  }
  const a = dot / sxx;
  const b = cross / sxx;
  return [a, -b, mdx - (a * msx - b * msy), b, a, mdy - (b * msx + a * msy)];
}
