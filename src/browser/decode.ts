/**
 * Browser counterpart of src/face/image/decode.ts (the bundle takes it through package.json `imports`, #platform/*): encoded
 * bytes → RgbImage with the browser's own decoder (createImageBitmap), EXIF orientation
 * applied, no colour-space conversion, transparent pixels composited onto white as the
 * Node decoder does, alpha dropped.
 */
import { PfeError } from '../core/errors.js';
import type { RgbImage } from '../face/types.js';
import { headerDimensions } from '../face/image/header-dimensions.js';
import { RGB_CHANNELS } from '../face/image/rgb-image.js';

/** Largest accepted width×height, as in the Node decoder (40 MP). */
export const DEFAULT_MAX_PIXELS = 40_000_000;

/** Formats accepted, as in the Node decoder. */
export const SUPPORTED_IMAGE_FORMATS: readonly string[] = ['jpeg', 'png', 'webp'];

/** Options of `decodeImage`. */
export interface DecodeOptions {
  /** Largest accepted width×height in pixels (default DEFAULT_MAX_PIXELS). */
  readonly maxPixels?: number;
}

/** Image formats recognised by their first bytes: the supported ones and others a user may drop. */
export type SniffedFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'bmp' | 'tiff' | 'heif';

const ascii = (bytes: Uint8Array, from: number, to: number): string => String.fromCharCode(...bytes.subarray(from, to));

/** The image format named by the first bytes (magic numbers), or undefined when they name none. */
export function sniffFormat(bytes: Uint8Array): SniffedFormat | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && bytes[0] === 0x89 && ascii(bytes, 1, 4) === 'PNG') return 'png';
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'webp';
  if (bytes.length >= 6 && (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a')) return 'gif';
  if (bytes.length >= 2 && ascii(bytes, 0, 2) === 'BM') return 'bmp';
  if (bytes.length >= 4 && (ascii(bytes, 0, 4) === 'II*\0' || ascii(bytes, 0, 4) === 'MM\0*')) return 'tiff';
  // ISO base media files (HEIC/HEIF/AVIF photos): 'ftyp' at byte 4.
  if (bytes.length >= 12 && ascii(bytes, 4, 8) === 'ftyp') return 'heif';
  return undefined;
}

/**
 * Decodes JPEG/PNG/WebP bytes to RGB. A string input is a URL label only and is rejected:
 * the browser build embeds bytes the page already holds.
 * @throws PfeError IMAGE_DECODE_FAILED, UNSUPPORTED_FORMAT, IMAGE_TOO_LARGE, INVALID_ARGUMENT
 */
export async function decodeImage(input: Uint8Array | string, options: DecodeOptions = {}): Promise<RgbImage> {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (!Number.isInteger(maxPixels) || maxPixels < 1) throw new PfeError('INVALID_ARGUMENT', `maxPixels must be a positive integer, got ${maxPixels}`, { maxPixels });
  if (typeof input === 'string') throw new PfeError('INVALID_ARGUMENT', `the browser build decodes bytes, not paths (${input})`, { path: input });
  if (input.length === 0) throw new PfeError('IMAGE_DECODE_FAILED', 'cannot decode image: the data is empty (0 bytes)');
  // The same codes as the Node decoder: data that is no image at all cannot be decoded;
  // an image in another format is unsupported.
  const format = sniffFormat(input);
  if (format === undefined) throw new PfeError('IMAGE_DECODE_FAILED', 'cannot decode image: the data is not in any image format the decoder knows');
  if (!SUPPORTED_IMAGE_FORMATS.includes(format)) {
    throw new PfeError('UNSUPPORTED_FORMAT', `image is ${format}; supported formats are ${SUPPORTED_IMAGE_FORMATS.join(', ')}`, { format });
  }
  // The header's size first: createImageBitmap has no pixel limit and would allocate it all.
  const stated = headerDimensions(input);
  if (stated !== undefined && stated.width * stated.height > maxPixels) {
    const { width, height } = stated;
    throw new PfeError('IMAGE_TOO_LARGE', `the image is ${width}×${height} = ${width * height} pixels, over the limit of ${maxPixels} pixels`, { width, height, maxPixels });
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([input.slice()]), { imageOrientation: 'from-image', colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch (e) {
    throw new PfeError('IMAGE_DECODE_FAILED', `cannot decode the ${format} image: ${e instanceof Error ? e.message : String(e)}`, { format }, { cause: e });
  }
  const { width, height } = bitmap;
  if (width * height > maxPixels) {
    bitmap.close();
    throw new PfeError('IMAGE_TOO_LARGE', `the image is ${width}×${height} = ${width * height} pixels, over the limit of ${maxPixels} pixels`, { width, height, maxPixels });
  }
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d');
  if (ctx === null) throw new PfeError('IMAGE_DECODE_FAILED', 'no 2d canvas context available');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  const rgba = ctx.getImageData(0, 0, width, height).data;
  const data = new Uint8Array(width * height * RGB_CHANNELS);
  for (let p = 0, q = 0; p < rgba.length; p += 4, q += RGB_CHANNELS) {
    data[q] = rgba[p]!;
    data[q + 1] = rgba[p + 1]!;
    data[q + 2] = rgba[p + 2]!;
  }
  return { width, height, data };
}
