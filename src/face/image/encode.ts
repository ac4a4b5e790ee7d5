import sharp from 'sharp';
import { PfeError } from '../../core/errors.js';
import type { RgbImage } from '../types.js';
import { assertRgbImage, RGB_CHANNELS } from './rgb-image.js';

/** Output formats of encodeImage. */
export type EncodedFormat = 'png' | 'jpeg';

/**
 * Default JPEG quality of encodeImage: 95, high enough that writing a result does not
 * visibly add compression artefacts (use PNG for bit-exact output).
 */
export const DEFAULT_JPEG_QUALITY = 95;

/** Options of encodeImage. */
export interface EncodeOptions {
  /** JPEG quality 1..100 (ignored for PNG); default DEFAULT_JPEG_QUALITY. */
  readonly quality?: number;
}

/**
 * Checks a JPEG quality value: an integer in 1..100 (libjpeg's scale).
 * @throws PfeError INVALID_ARGUMENT
 */
export function assertJpegQuality(quality: number): void {
  if (!Number.isInteger(quality) || quality < 1 || quality > 100) {
    throw new PfeError('INVALID_ARGUMENT', `JPEG quality must be an integer in 1..100, got ${quality}`, { quality });
  }
}

/**
 * Encodes an RgbImage as PNG (lossless) or baseline JPEG (sharp defaults: 4:2:0
 * chroma subsampling, libjpeg-turbo quantisation tables). The output for a given
 * image and quality is deterministic.
 * @returns the encoded file bytes
 * @throws PfeError INVALID_ARGUMENT / DIMENSION_MISMATCH for a malformed image or quality
 */
export async function encodeImage(img: RgbImage, format: EncodedFormat, options: EncodeOptions = {}): Promise<Uint8Array> {
  assertRgbImage(img);
  const raw = sharp(img.data, { raw: { width: img.width, height: img.height, channels: RGB_CHANNELS } });
  let out: Buffer;
  if (format === 'png') {
    out = await raw.png().toBuffer();
  } else if (format === 'jpeg') {
    const quality = options.quality ?? DEFAULT_JPEG_QUALITY;
    assertJpegQuality(quality);
    out = await raw.jpeg({ quality }).toBuffer();
  } else {
    throw new PfeError('UNSUPPORTED_FORMAT', `cannot encode to '${String(format)}'; use 'png' or 'jpeg'`, { format });
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/**
 * The encoded format implied by a file name's extension (.png, .jpg, .jpeg; any case),
 * or undefined for anything else.
 */
export function formatFromPath(path: string): EncodedFormat | undefined {
  const lower = path.toLowerCase();
  if (lower.endsWith('.png')) return 'png';
  if (lower.endsWith('.jpg') || lower.endsWith('.jpeg')) return 'jpeg';
  return undefined;
}
