import { PfeError } from '../../core/errors.js';
import type { RgbImage } from '../types.js';
import { assertRgbImage, RGB_CHANNELS, toByte } from '../image/rgb-image.js';

/**
 * Largest accepted blur sigma, 100 px: at that width (kernel 601 taps) no facial detail is
 * left at any image size the pipeline handles, and the cap bounds the run time.
 */
export const MAX_BLUR_SIGMA = 100;

/**
 * The normalised 1-D Gaussian kernel for `sigma` pixels: weights w[k] ∝ exp(−k²/(2σ²)) for
 * k = −r..r with radius r = ceil(3σ) (covers 99.7% of the mass), summing to 1.
 * @returns Float64Array of length 2r+1, centre at index r
 */
export function gaussianKernel(sigma: number): Float64Array {
  const radius = Math.ceil(3 * sigma);
  const kernel = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let k = -radius; k <= radius; k++) {
    const w = Math.exp(-(k * k) / (2 * sigma * sigma));
    kernel[k + radius] = w;
    sum += w;
  }
  for (let i = 0; i < kernel.length; i++) kernel[i]! /= sum;
  return kernel;
}

/**
 * Gaussian blur with standard deviation `sigma` pixels, as two separable passes
 * (horizontal then vertical) with the kernel of gaussianKernel. Edges replicate the border
 * pixel, so a blurred image does not darken at its frame. The intermediate is kept in
 * float64 and rounded once at the end. sigma = 0 returns an unchanged copy.
 * @param img RGB input
 * @param sigma standard deviation in pixels, 0..MAX_BLUR_SIGMA
 * @returns a new image of the same size
 * @throws PfeError INVALID_ARGUMENT for a sigma outside 0..MAX_BLUR_SIGMA
 */
export function gaussianBlur(img: RgbImage, sigma: number): RgbImage {
  assertRgbImage(img);
  if (!Number.isFinite(sigma) || sigma < 0 || sigma > MAX_BLUR_SIGMA) {
    throw new PfeError('INVALID_ARGUMENT', `blur sigma must be in 0..${MAX_BLUR_SIGMA} pixels, got ${sigma}`, { sigma });
  }
  const { width, height, data } = img;
  if (sigma === 0) return { width, height, data: data.slice() };
  const kernel = gaussianKernel(sigma);
  const radius = (kernel.length - 1) / 2;
  const rowStride = width * RGB_CHANNELS;
  const horizontal = new Float64Array(data.length);
  for (let y = 0; y < height; y++) {
    const row = y * rowStride;
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < RGB_CHANNELS; c++) {
        let acc = 0;
        for (let k = -radius; k <= radius; k++) {
          let xx = x + k;
          xx = xx < 0 ? 0 : xx >= width ? width - 1 : xx;
          acc += kernel[k + radius]! * data[row + xx * RGB_CHANNELS + c]!;
        }
        horizontal[row + x * RGB_CHANNELS + c] = acc;
      }
    }
  }
  const out = new Uint8Array(data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < RGB_CHANNELS; c++) {
        let acc = 0;
        for (let k = -radius; k <= radius; k++) {
          let yy = y + k;
          yy = yy < 0 ? 0 : yy >= height ? height - 1 : yy;
          acc += kernel[k + radius]! * horizontal[yy * rowStride + x * RGB_CHANNELS + c]!;
        }
        out[y * rowStride + x * RGB_CHANNELS + c] = toByte(acc);
      }
    }
  }
  return { width, height, data: out };
}
