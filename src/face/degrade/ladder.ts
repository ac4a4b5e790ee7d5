import { PfeError } from '../../core/errors.js';
import type { RgbImage } from '../types.js';
import { applyDegradeSteps, type DegradeStep } from './steps.js';

/**
 * The combined degradation ladder: row k is level k+1; level 0 leaves the image untouched.
 * All four degradations grow together, applied in the order of a camera pipeline: optical
 * blur, low sensor resolution, sensor noise, compression.
 *
 * | level | blur σ (px) | scale | noise std | JPEG quality |
 * |-------|-------------|-------|-----------|--------------|
 * | 1     | 0.5         | 0.8   | 2         | 90           |
 * | 2     | 1.0         | 0.6   | 4         | 70           |
 * | 3     | 1.5         | 0.45  | 6         | 50           |
 * | 4     | 2.0         | 0.3   | 8         | 30           |
 * | 5     | 3.0         | 0.2   | 12        | 15           |
 *
 * The values were chosen by hand (not taken from a paper) to go from barely visible
 * (level 1) to a face that is hard to recognise (level 5) on 150×150 LFW frames and 112–224
 * px aligned crops, checked by eye. Pixel units are those of the image the ladder is applied
 * to, so the same level degrades a large image less, relative to the face, than a small one.
 */
export const DEGRADATION_LADDER: readonly (readonly DegradeStep[])[] = [
  [
    { kind: 'blur', sigma: 0.5 },
    { kind: 'scale', factor: 0.8 },
    { kind: 'noise', std: 2 },
    { kind: 'jpeg', quality: 90 },
  ],
  [
    { kind: 'blur', sigma: 1 },
    { kind: 'scale', factor: 0.6 },
    { kind: 'noise', std: 4 },
    { kind: 'jpeg', quality: 70 },
  ],
  [
    { kind: 'blur', sigma: 1.5 },
    { kind: 'scale', factor: 0.45 },
    { kind: 'noise', std: 6 },
    { kind: 'jpeg', quality: 50 },
  ],
  [
    { kind: 'blur', sigma: 2 },
    { kind: 'scale', factor: 0.3 },
    { kind: 'noise', std: 8 },
    { kind: 'jpeg', quality: 30 },
  ],
  [
    { kind: 'blur', sigma: 3 },
    { kind: 'scale', factor: 0.2 },
    { kind: 'noise', std: 12 },
    { kind: 'jpeg', quality: 15 },
  ],
];

/** The highest ladder level (L); levels run 0..L. */
export const MAX_DEGRADE_LEVEL = DEGRADATION_LADDER.length;

/**
 * The steps of ladder level 0..MAX_DEGRADE_LEVEL (level 0: no steps).
 * @throws PfeError INVALID_ARGUMENT for a level that is not an integer in range
 */
export function ladderSteps(level: number): readonly DegradeStep[] {
  if (!Number.isInteger(level) || level < 0 || level > MAX_DEGRADE_LEVEL) {
    throw new PfeError('INVALID_ARGUMENT', `degradation level must be an integer in 0..${MAX_DEGRADE_LEVEL}, got ${level}`, { level });
  }
  return level === 0 ? [] : DEGRADATION_LADDER[level - 1]!;
}

/**
 * Degrades an image to ladder level `level` (see DEGRADATION_LADDER); level 0 returns an
 * unchanged copy. Deterministic in (img, level, seed).
 * @param seed integer 0..2^32−1, seeds the noise step
 * @throws PfeError INVALID_ARGUMENT for a bad level or seed
 */
export async function degradeLevel(img: RgbImage, level: number, seed: number): Promise<RgbImage> {
  return applyDegradeSteps(img, ladderSteps(level), seed);
}
