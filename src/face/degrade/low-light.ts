import { PfeError } from '../../core/errors.js';
import { SeededRandom } from '../../core/random.js';
import type { RgbImage } from '../types.js';
import { assertRgbImage, toByte } from '../image/rgb-image.js';

/**
 * Sensor model of lowLight (values of a small phone-camera sensor, rounded; not fitted to
 * one device): full-well capacity in electrons at the brightest pixel, read noise in
 * electrons (typical CMOS: 1.5–3 e⁻), ADC resolution in bits.
 */
export const LOW_LIGHT_SENSOR = { fullWellElectrons: 10_000, readNoiseElectrons: 3, adcBits: 10 } as const;

/** sRGB transfer function (IEC 61966-2-1), value in 0..1. */
function srgbToLinear(v: number): number {
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

function linearToSrgb(v: number): number {
  const c = Math.min(1, Math.max(0, v));
  return c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055;
}

/**
 * A photo taken with `light` times the light of the original, then brightened back by the
 * camera's gain: each channel's linear intensity becomes a photo-electron count
 * (LOW_LIGHT_SENSOR full well × light), gets shot noise (Gaussian with the Poisson
 * variance) and read noise, is quantised by the ADC, and is multiplied by 1/light. Dark
 * scenes therefore come out with strong, coloured noise and banding. light 1 still adds the
 * (faint) shot noise of a well-lit photo. Deterministic in (img, light, seed).
 * @param light fraction of the original light, in (0, 1]
 * @param seed integer 0..2^32−1
 * @throws PfeError INVALID_ARGUMENT for a bad light fraction
 */
export function lowLight(img: RgbImage, light: number, seed: number): RgbImage {
  assertRgbImage(img);
  if (!(light > 0 && light <= 1)) throw new PfeError('INVALID_ARGUMENT', `light fraction must be in (0, 1], got ${light}`, { light });
  const { fullWellElectrons, readNoiseElectrons, adcBits } = LOW_LIGHT_SENSOR;
  const electronsAtWhite = fullWellElectrons * light;
  const adcLevels = 2 ** adcBits - 1;
  const electronsPerCount = fullWellElectrons / adcLevels;
  const rng = new SeededRandom(seed);
  const src = img.data;
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const electrons = srgbToLinear(src[i]! / 255) * electronsAtWhite;
    const noisy = electrons + Math.sqrt(electrons + readNoiseElectrons * readNoiseElectrons) * rng.nextGaussian();
    const counts = Math.min(adcLevels, Math.max(0, Math.round(noisy / electronsPerCount)));
    out[i] = toByte(255 * linearToSrgb((counts * electronsPerCount) / electronsAtWhite));
  }
  return { width: img.width, height: img.height, data: out };
}
