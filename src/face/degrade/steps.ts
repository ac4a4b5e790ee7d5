import { PfeError } from '../../core/errors.js';
import { deriveSeed } from '../../core/random.js';
import { SeededRandom } from '../../core/random.js';
import type { FiveLandmarks, RgbImage } from '../types.js';
import { assertRgbImage } from '../image/rgb-image.js';
import { gaussianBlur } from './blur.js';
import { jpegRecompress } from '#platform/jpeg-degrade';
import { lowLight } from './low-light.js';
import { motionBlur } from './motion-blur.js';
import { addGaussianNoise } from './noise.js';
import { drawHand, drawMask, drawSunglasses } from './occlusion.js';
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
  | { readonly kind: 'jpeg'; readonly quality: number }
  /** motionBlur with length in pixels, in a seeded direction. */
  | { readonly kind: 'motion'; readonly length: number }
  /** lowLight with the light fraction in (0, 1]. */
  | { readonly kind: 'lowlight'; readonly light: number }
  /** drawSunglasses with opacity in (0, 1]; needs the face's landmarks. */
  | { readonly kind: 'sunglasses'; readonly opacity: number }
  /** drawMask with opacity in (0, 1]; needs the face's landmarks. */
  | { readonly kind: 'mask'; readonly opacity: number }
  /** drawHand with size in (0, 3], seeded place and tilt; needs the face's landmarks. */
  | { readonly kind: 'hand'; readonly size: number };

/** Step kinds drawn onto the face: they need its five landmarks to know where it is. */
const FACE_STEP_KINDS: ReadonlySet<DegradeStep['kind']> = new Set(['sunglasses', 'mask', 'hand']);

/** True when some step draws onto the face (applyDegradeSteps then needs the landmarks). */
export function stepsNeedFace(steps: readonly DegradeStep[]): boolean {
  return steps.some((s) => FACE_STEP_KINDS.has(s.kind));
}

/**
 * Applies steps in order. A random step number i (0-based position in `steps`: noise,
 * motion's direction, low light's sensor noise, the hand's place) draws from
 * SeededRandom(deriveSeed(seed, i)), so two random steps are independent and the output is
 * a deterministic function of (img, steps, seed, face). An empty list returns an unchanged copy.
 * @param seed integer 0..2^32−1
 * @param face the five landmarks of the face in `img`, needed by the occluders (stepsNeedFace)
 * @throws PfeError INVALID_ARGUMENT for an out-of-range parameter or seed, or an occluder without `face`
 */
export async function applyDegradeSteps(img: RgbImage, steps: readonly DegradeStep[], seed: number, face?: FiveLandmarks): Promise<RgbImage> {
  assertRgbImage(img);
  deriveSeed(seed, 0); // validates the seed even when no step uses it
  const needFace = (step: DegradeStep): FiveLandmarks => {
    if (face === undefined) throw new PfeError('INVALID_ARGUMENT', `the '${step.kind}' degradation is drawn onto the face and needs its five landmarks (a landmarks file, or a detected face)`);
    return face;
  };
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
      case 'motion':
        current = motionBlur(current, step.length, Math.PI * new SeededRandom(deriveSeed(seed, i)).nextFloat());
        break;
      case 'lowlight':
        current = lowLight(current, step.light, deriveSeed(seed, i));
        break;
      case 'sunglasses':
        current = drawSunglasses(current, needFace(step), step.opacity);
        break;
      case 'mask':
        current = drawMask(current, needFace(step), step.opacity);
        break;
      case 'hand':
        current = drawHand(current, needFace(step), step.size, new SeededRandom(deriveSeed(seed, i)));
        break;
      default: {
        const unknown: never = step;
        throw new PfeError('INVALID_ARGUMENT', `unknown degradation step ${JSON.stringify(unknown)}`);
      }
    }
  }
  return current;
}
