/**
 * Browser counterpart of src/face/degrade/jpeg.ts (the bundle takes it through package.json `imports`, #platform/*): the
 * Node version encodes with sharp (libjpeg-turbo), which has no browser equivalent
 * giving the same bytes, so the step is refused rather than silently different.
 */
import { PfeError } from '../core/errors.js';
import type { RgbImage } from '../face/types.js';

/** Always throws INVALID_ARGUMENT: JPEG re-compression is Node-only. */
export async function jpegRecompress(_img: RgbImage, quality: number): Promise<RgbImage> {
  throw new PfeError('INVALID_ARGUMENT', `the jpeg:${quality} degradation is not available in the browser build (blur, scale and noise are)`, { quality });
}
