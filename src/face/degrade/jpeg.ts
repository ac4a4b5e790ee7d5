import type { RgbImage } from '../types.js';
import { decodeImage } from '../image/decode.js';
import { assertJpegQuality, encodeImage } from '../image/encode.js';

/**
 * JPEG compression artefacts: encodes at `quality` with sharp (libjpeg-turbo, 4:2:0 chroma
 * subsampling) and decodes again. Deterministic for a given image and quality.
 * @param quality integer 1..100
 * @throws PfeError INVALID_ARGUMENT for a bad quality
 */
export async function jpegRecompress(img: RgbImage, quality: number): Promise<RgbImage> {
  assertJpegQuality(quality);
  const bytes = await encodeImage(img, 'jpeg', { quality });
  return decodeImage(bytes, { maxPixels: img.width * img.height });
}
