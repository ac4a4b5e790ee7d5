import { PfeError } from '../../core/errors.js';
import type { RgbImage } from '../types.js';
import { assertRgbImage, blankRgbImage, RGB_CHANNELS, toByte } from '../image/rgb-image.js';

/**
 * Bilinear resize to width×height with pixel-centre alignment: output pixel x samples the
 * input at (x + 0.5)·inW/outW − 0.5, clamped to the image (OpenCV `resize` INTER_LINEAR /
 * TF `resize_bilinear` with half_pixel_centers). No anti-aliasing prefilter: shrinking by
 * more than 2× aliases, as a plain low-resolution capture does.
 * @returns a new width×height image
 * @throws PfeError INVALID_ARGUMENT for a non-positive size
 */
export function resizeBilinear(img: RgbImage, width: number, height: number): RgbImage {
  assertRgbImage(img);
  const out = blankRgbImage(width, height);
  const sw = img.width;
  const sh = img.height;
  const src = img.data;
  const dst = out.data;
  const scaleX = sw / width;
  const scaleY = sh / height;
  for (let y = 0; y < height; y++) {
    let sy = (y + 0.5) * scaleY - 0.5;
    sy = sy < 0 ? 0 : sy > sh - 1 ? sh - 1 : sy;
    const y0 = Math.floor(sy);
    const y1 = y0 + 1 < sh ? y0 + 1 : y0;
    const fy = sy - y0;
    for (let x = 0; x < width; x++) {
      let sx = (x + 0.5) * scaleX - 0.5;
      sx = sx < 0 ? 0 : sx > sw - 1 ? sw - 1 : sx;
      const x0 = Math.floor(sx);
      const x1 = x0 + 1 < sw ? x0 + 1 : x0;
      const fx = sx - x0;
      const p00 = (y0 * sw + x0) * RGB_CHANNELS;
      const p01 = (y0 * sw + x1) * RGB_CHANNELS;
      const p10 = (y1 * sw + x0) * RGB_CHANNELS;
      const p11 = (y1 * sw + x1) * RGB_CHANNELS;
      const o = (y * width + x) * RGB_CHANNELS;
      for (let c = 0; c < RGB_CHANNELS; c++) {
        const top = src[p00 + c]! + (src[p01 + c]! - src[p00 + c]!) * fx;
        const bottom = src[p10 + c]! + (src[p11 + c]! - src[p10 + c]!) * fx;
        dst[o + c] = toByte(top + (bottom - top) * fy);
      }
    }
  }
  return out;
}

/**
 * Simulates a low-resolution capture: bilinear down to round(factor·size) (at least 1 px)
 * and bilinear back up to the original size. factor = 1 returns an unchanged copy.
 * @param factor in (0, 1], e.g. 0.25 for a quarter of the width and height
 * @throws PfeError INVALID_ARGUMENT for a factor outside (0, 1]
 */
export function downUpScale(img: RgbImage, factor: number): RgbImage {
  assertRgbImage(img);
  if (!Number.isFinite(factor) || factor <= 0 || factor > 1) {
    throw new PfeError('INVALID_ARGUMENT', `scale factor must be in (0, 1], got ${factor}`, { factor });
  }
  if (factor === 1) return { width: img.width, height: img.height, data: img.data.slice() };
  const small = resizeBilinear(img, Math.max(1, Math.round(img.width * factor)), Math.max(1, Math.round(img.height * factor)));
  return resizeBilinear(small, img.width, img.height);
}
