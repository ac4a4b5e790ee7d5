import { PfeError } from '../../core/errors.js';
import type { RgbImage } from '../types.js';
import { assertRgbImage, toByte } from '../image/rgb-image.js';

/** Longest motion streak accepted, in pixels (beyond, a 150-px face is a smear). */
export const MAX_MOTION_LENGTH = 100;

/**
 * Linear motion blur: every output pixel is the mean of the input sampled along a straight
 * streak of `length` pixels centred on it, at `angle` radians from the x axis (camera shake
 * or subject motion during the exposure). Samples are one pixel apart (length + 1 of them,
 * the two ends at half weight: the box filter of the exposure), read with bilinear
 * interpolation and clamped at the border. length 0 returns a copy.
 * @param length streak length in pixels, 0..MAX_MOTION_LENGTH
 * @param angle direction in radians (any finite value; 0 = horizontal)
 * @throws PfeError INVALID_ARGUMENT for a bad length or angle
 */
export function motionBlur(img: RgbImage, length: number, angle: number): RgbImage {
  assertRgbImage(img);
  if (!Number.isFinite(length) || length < 0 || length > MAX_MOTION_LENGTH) {
    throw new PfeError('INVALID_ARGUMENT', `motion blur length must be in 0..${MAX_MOTION_LENGTH} pixels, got ${length}`, { length });
  }
  if (!Number.isFinite(angle)) throw new PfeError('INVALID_ARGUMENT', `motion blur angle must be finite, got ${angle}`, { angle });
  const { width: w, height: h, data: src } = img;
  if (length === 0) return { width: w, height: h, data: src.slice() };
  const steps = Math.max(1, Math.ceil(length));
  const dx = (Math.cos(angle) * length) / steps;
  const dy = (Math.sin(angle) * length) / steps;
  const out = new Uint8Array(src.length);
  const acc = new Float64Array(3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      acc.fill(0);
      for (let k = 0; k <= steps; k++) {
        const t = k - steps / 2;
        const weight = k === 0 || k === steps ? 0.5 : 1;
        const sx = Math.min(w - 1, Math.max(0, x + t * dx));
        const sy = Math.min(h - 1, Math.max(0, y + t * dy));
        const x0 = Math.floor(sx);
        const y0 = Math.floor(sy);
        const x1 = Math.min(w - 1, x0 + 1);
        const y1 = Math.min(h - 1, y0 + 1);
        const fx = sx - x0;
        const fy = sy - y0;
        for (let c = 0; c < 3; c++) {
          const top = src[(y0 * w + x0) * 3 + c]! * (1 - fx) + src[(y0 * w + x1) * 3 + c]! * fx;
          const bottom = src[(y1 * w + x0) * 3 + c]! * (1 - fx) + src[(y1 * w + x1) * 3 + c]! * fx;
          acc[c]! += weight * (top * (1 - fy) + bottom * fy);
        }
      }
      for (let c = 0; c < 3; c++) out[(y * w + x) * 3 + c] = toByte(acc[c]! / steps);
    }
  }
  return { width: w, height: h, data: out };
}
