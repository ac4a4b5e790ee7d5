import { PfeError } from '../../core/errors.js';
import type { RgbImage } from '../types.js';

/** Bytes per pixel of an RgbImage (R, G, B; no alpha). */
export const RGB_CHANNELS = 3;

/**
 * Checks that `img` is a well-formed RgbImage: positive integer width and height,
 * and exactly width*height*3 bytes of data.
 * @throws PfeError INVALID_ARGUMENT (bad size) or DIMENSION_MISMATCH (data length)
 */
export function assertRgbImage(img: RgbImage, name = 'image'): void {
  const { width, height } = img;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new PfeError('INVALID_ARGUMENT', `${name} must have positive integer width and height, got ${width}×${height}`, { name, width, height });
  }
  const expected = width * height * RGB_CHANNELS;
  if (img.data.length !== expected) {
    throw new PfeError('DIMENSION_MISMATCH', `${name} is ${width}×${height} RGB, so data must hold ${expected} bytes, but it has ${img.data.length}`, {
      name,
      width,
      height,
      expected,
      actual: img.data.length,
    });
  }
}

/**
 * A new width×height RgbImage filled with zeros (black).
 * @throws PfeError INVALID_ARGUMENT for a non-positive or non-integer size
 */
export function blankRgbImage(width: number, height: number): RgbImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new PfeError('INVALID_ARGUMENT', `image size must be positive integers, got ${width}×${height}`, { width, height });
  }
  return { width, height, data: new Uint8Array(width * height * RGB_CHANNELS) };
}

/** Rounds a float sample to the nearest byte value, clamping to 0..255 (NaN → 0). */
export function toByte(v: number): number {
  if (!(v > 0)) return 0;
  if (v >= 255) return 255;
  return Math.round(v);
}
