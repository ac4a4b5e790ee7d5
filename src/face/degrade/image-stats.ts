import { PfeError } from '../../core/errors.js';
import type { RgbImage } from '../types.js';

// Simple whole-image statistics for measuring how strongly an image was degraded.

/** Mean squared difference of two equally sized images over all samples, in grey levels². */
export function meanSquaredDifference(a: RgbImage, b: RgbImage): number {
  if (a.width !== b.width || a.height !== b.height || a.data.length !== b.data.length) {
    throw new PfeError('DIMENSION_MISMATCH', `images differ in size: ${a.width}×${a.height} vs ${b.width}×${b.height}`);
  }
  let s = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = a.data[i]! - b.data[i]!;
    s += d * d;
  }
  return s / a.data.length;
}

/**
 * Mean squared difference between horizontally adjacent samples, in grey levels²: a cheap
 * measure of fine detail (blur and down-scaling lower it, noise raises it).
 */
export function horizontalDetail(img: RgbImage): number {
  let s = 0;
  let n = 0;
  for (let y = 0; y < img.height; y++) {
    for (let x = 1; x < img.width; x++) {
      for (let c = 0; c < 3; c++) {
        const d = img.data[(y * img.width + x) * 3 + c]! - img.data[(y * img.width + x - 1) * 3 + c]!;
        s += d * d;
        n++;
      }
    }
  }
  return s / n;
}

/** A width×height image of one colour (rgb in 0..255). */
export function solidImage(width: number, height: number, rgb: readonly [number, number, number]): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set(rgb, i * 3);
  return { width, height, data };
}
