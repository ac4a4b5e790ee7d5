/** Conversion of RgbImage (8-bit interleaved RGB) into float input buffers for tfjs. */
import * as tf from '@tensorflow/tfjs-core';
import { PfeError } from '../../core/errors.js';
import { assertRgbImage } from '../image/rgb-image.js';
import type { RgbImage } from '../types.js';

/**
 * Packs N images of exactly size×size into one float32 NHWC buffer with values
 * `pixel * scale + offset` (e.g. scale 1, offset 0 keeps 0..255).
 * Throws EMPTY_INPUT for no image and DIMENSION_MISMATCH naming the bad image's index.
 */
export function packImageBatch(images: readonly RgbImage[], size: number, scale = 1, offset = 0): Float32Array {
  if (!(scale > 0)) throw new PfeError('INVALID_ARGUMENT', `scale must be positive, got ${scale}`);
  // pixel·scale + offset = (pixel − mean) / divisor with divisor = 1/scale, mean = −offset/scale.
  const mean = -offset / scale;
  return packNormalizedBatch(images, size, { order: 'rgb', mean: [mean, mean, mean], divisor: 1 / scale });
}

/**
 * How a backbone wants its 8-bit RGB crop as floats: channels taken in `order`, then
 * value = (pixel − mean[c]) / divisor, with mean given per channel of the output order.
 * Each backbone states its own, from its authors' code.
 */
export interface InputNormalisation {
  /** Channel order the network was trained on ('bgr' for Caffe/OpenCV-trained models). */
  readonly order: 'rgb' | 'bgr';
  /** Per-channel mean subtracted, in the output channel order, in 0..255 pixel units. */
  readonly mean: readonly [number, number, number];
  /** Divisor applied after the mean (1 keeps pixel units). */
  readonly divisor: number;
}

/**
 * Packs N images of exactly size×size into one float32 NHWC buffer normalised as
 * `normalisation` says. Throws EMPTY_INPUT for no image and DIMENSION_MISMATCH naming
 * the bad image's index.
 */
export function packNormalizedBatch(images: readonly RgbImage[], size: number, normalisation: InputNormalisation): Float32Array {
  if (images.length === 0) throw new PfeError('EMPTY_INPUT', 'no image to pack');
  const { mean, divisor } = normalisation;
  if (!(divisor > 0) || !mean.every(Number.isFinite)) throw new PfeError('INVALID_ARGUMENT', `bad input normalisation: mean ${mean.join(',')}, divisor ${divisor}`);
  // Source channel of each output channel: BGR reads R from index 2.
  const [s0, s1, s2] = normalisation.order === 'bgr' ? [2, 1, 0] : [0, 1, 2];
  const plane = size * size * 3;
  const out = new Float32Array(images.length * plane);
  const inv = 1 / divisor;
  images.forEach((img, i) => {
    assertRgbImage(img, `image ${i}`);
    if (img.width !== size || img.height !== size) {
      throw new PfeError('DIMENSION_MISMATCH', `image ${i} is ${img.width}×${img.height}, expected ${size}×${size} (aligned face)`, { index: i, width: img.width, height: img.height, size });
    }
    const base = i * plane;
    const d = img.data;
    for (let k = 0; k < plane; k += 3) {
      out[base + k] = (d[k + s0]! - mean[0]) * inv;
      out[base + k + 1] = (d[k + s1]! - mean[1]) * inv;
      out[base + k + 2] = (d[k + s2]! - mean[2]) * inv;
    }
  });
  return out;
}

/** One image as a float32 tensor [1, height, width, 3] with values 0..255. The caller disposes it. */
export function imageToTensor4d(image: RgbImage): tf.Tensor4D {
  assertRgbImage(image);
  const values = new Float32Array(image.data.length);
  for (let k = 0; k < values.length; k++) values[k] = image.data[k]!;
  return tf.tensor4d(values, [1, image.height, image.width, 3], 'float32');
}
