import { PfeError } from '../../core/errors.js';
import { deriveSeed } from '../../core/random.js';
import type { RgbImage } from '../types.js';
import { assertRgbImage } from '../image/rgb-image.js';
import { gaussianBlur } from './blur.js';
import { jpegRecompress } from '#platform/jpeg-degrade';
import { addGaussianNoise } from './noise.js';
import { downUpScale } from './resize.js';

/** One degradation; units as in the functions that apply them. */
export type DegradeStep =
  /** gaussianBlur with sigma in pixels (≥ 0). */
  | { readonly kind: 'blur'; readonly sigma: number }
  /** downUpScale with factor in (0, 1]. */
  | { readonly kind: 'scale'; readonly factor: number }
  /** addGaussianNoise with std in grey levels (0..255). */
  | { readonly kind: 'noise'; readonly std: number }
  /** jpegRecompress with quality 1..100. */
  | { readonly kind: 'jpeg'; readonly quality: number };

/**
 * Applies steps in order. Noise step number i (0-based position in `steps`) draws from
 * SeededRandom(deriveSeed(seed, i)), so two noise steps are independent and the output is a
 * deterministic function of (img, steps, seed). An empty list returns an unchanged copy.
 * @param seed integer 0..2^32−1
 * @throws PfeError INVALID_ARGUMENT for an out-of-range parameter or seed
 */
export async function applyDegradeSteps(img: RgbImage, steps: readonly DegradeStep[], seed: number): Promise<RgbImage> {
  assertRgbImage(img);
  deriveSeed(seed, 0); // validates the seed even when no step uses it
  let current: RgbImage = { width: img.width, height: img.height, data: img.data.slice() };
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    switch (step.kind) {
      case 'blur':
        current = gaussianBlur(current, step.sigma);
        break;
      case 'scale':
        current = downUpScale(current, step.factor);
        break;
      case 'noise':
        current = addGaussianNoise(current, step.std, deriveSeed(seed, i));
        break;
      case 'jpeg':
        current = await jpegRecompress(current, step.quality);
        break;
      default: {
        const unknown: never = step;
        throw new PfeError('INVALID_ARGUMENT', `unknown degradation step ${JSON.stringify(unknown)}`);
      }
    }
  }
  return current;
}
