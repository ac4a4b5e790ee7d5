import { PfeError } from '../../core/errors.js';
import { SeededRandom } from '../../core/random.js';
import type { RgbImage } from '../types.js';
import { assertRgbImage, toByte } from '../image/rgb-image.js';

/**
 * Adds independent Gaussian noise N(0, std²) to every channel of every pixel, then rounds
 * and clamps to 0..255 (clamping makes the noise slightly non-zero-mean near black and
 * white). Samples come from SeededRandom(seed) in data order, so the result is a
 * deterministic function of (img, std, seed).
 * @param std standard deviation in grey levels (0..255 units), 0 ≤ std ≤ 255
 * @param seed integer 0..2^32−1
 * @throws PfeError INVALID_ARGUMENT for a bad std or seed
 */
export function addGaussianNoise(img: RgbImage, std: number, seed: number): RgbImage {
  assertRgbImage(img);
  if (!Number.isFinite(std) || std < 0 || std > 255) {
    throw new PfeError('INVALID_ARGUMENT', `noise std must be in 0..255 grey levels, got ${std}`, { std });
  }
  const rng = new SeededRandom(seed);
  const src = img.data;
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = toByte(src[i]! + std * rng.nextGaussian());
  return { width: img.width, height: img.height, data: out };
}
