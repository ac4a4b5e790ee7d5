import { readFile } from 'node:fs/promises';
import sharp, { type Metadata } from 'sharp';
import { PfeError } from '../../core/errors.js';
import type { RgbImage } from '../types.js';
import { RGB_CHANNELS } from './rgb-image.js';

/**
 * Default upper bound on width×height accepted by decodeImage: 40 megapixels.
 * Decoded as 8-bit RGB that is 120 MB, which bounds memory per image; it covers
 * ordinary camera and phone photos (12–24 MP) with headroom. Face crops need far
 * less; callers with larger photos pass `maxPixels` explicitly. (sharp's own
 * default, 0x3FFF² ≈ 268 MP, would allow ~800 MB per decode.)
 */
export const DEFAULT_MAX_PIXELS = 40_000_000;

/** Container formats decodeImage accepts, as reported by sharp's metadata. */
export const SUPPORTED_IMAGE_FORMATS: readonly string[] = ['jpeg', 'png', 'webp'];

/**
 * Background that transparent pixels are composited onto when alpha is dropped:
 * white, as a browser shows a transparent PNG on a default page.
 */
const FLATTEN_BACKGROUND = { r: 255, g: 255, b: 255 };

/** Options of decodeImage. */
export interface DecodeOptions {
  /** Largest accepted width×height in pixels (default DEFAULT_MAX_PIXELS). */
  readonly maxPixels?: number;
}

function reasonOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function readInput(input: Uint8Array | string): Promise<{ bytes: Uint8Array; label: string }> {
  if (typeof input !== 'string') return { bytes: input, label: '<buffer>' };
  try {
    return { bytes: await readFile(input), label: input };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new PfeError('IO_ERROR', `cannot read image file ${input}: ${reasonOf(e)}`, { path: input, errno: code }, { cause: e });
  }
}

/**
 * Decodes a JPEG, PNG or WebP image into 8-bit RGB.
 *
 * The EXIF orientation tag is applied (the result is upright as a viewer shows it),
 * alpha is composited onto white and dropped, and greyscale/CMYK/16-bit inputs are
 * converted to 8-bit sRGB. Only the first frame of an animated image is read.
 *
 * The size is checked from the header (sharp `metadata()`, which does not decode
 * pixels) before any decoding, and sharp's `limitInputPixels` guards the decode too.
 *
 * @param input encoded bytes, or a file path
 * @param options.maxPixels largest accepted width×height (default DEFAULT_MAX_PIXELS = 40 MP)
 * @returns the image as interleaved RGB, row-major, width×height×3 bytes
 * @throws PfeError IO_ERROR (unreadable path), IMAGE_DECODE_FAILED (empty, corrupt or
 *   non-image data; the message names the path in plain words, details.reason has the decoder's), UNSUPPORTED_FORMAT (an image
 *   sharp reads but we do not accept, e.g. GIF, SVG, TIFF), IMAGE_TOO_LARGE (over maxPixels),
 *   INVALID_ARGUMENT (bad maxPixels)
 */
export async function decodeImage(input: Uint8Array | string, options: DecodeOptions = {}): Promise<RgbImage> {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (!Number.isInteger(maxPixels) || maxPixels < 1) {
    throw new PfeError('INVALID_ARGUMENT', `maxPixels must be a positive integer, got ${maxPixels}`, { maxPixels });
  }
  const { bytes, label } = await readInput(input);
  if (bytes.length === 0) {
    throw new PfeError('IMAGE_DECODE_FAILED', `${label} is empty (0 bytes), not an image`, { path: label });
  }

  let meta: Metadata;
  try {
    // Header only, so no pixel limit here: sharp's default limit (16383² pixels) would
    // otherwise refuse a decompression bomb as undecodable before our own size check
    // below can call it too large.
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (e) {
    // The decoder's own wording ("Input buffer contains unsupported image format") stays in details.reason.
    throw new PfeError('IMAGE_DECODE_FAILED', `${label} is not an image: it is no JPEG, PNG or WebP file, or it is damaged`, { path: label, reason: reasonOf(e) }, { cause: e });
  }
  const format = meta.format;
  if (!SUPPORTED_IMAGE_FORMATS.includes(format)) {
    throw new PfeError('UNSUPPORTED_FORMAT', `image ${label} is ${format}; supported formats are ${SUPPORTED_IMAGE_FORMATS.join(', ')}`, {
      path: label,
      format,
    });
  }
  const { width, height } = meta;
  const pixels = width * height;
  if (pixels > maxPixels) {
    throw new PfeError(
      'IMAGE_TOO_LARGE',
      `image ${label} is ${width}×${height} = ${pixels} pixels, over the limit of ${maxPixels} pixels (maxPixels)`,
      { path: label, width, height, pixels, maxPixels },
    );
  }

  try {
    // failOn 'warning' (sharp's default, stated here on purpose): a truncated JPEG only
    // raises a libjpeg warning, and we want it rejected rather than half grey.
    const { data, info } = await sharp(bytes, { limitInputPixels: maxPixels, failOn: 'warning' })
      .rotate() // no angle: apply the EXIF orientation and drop the tag
      .flatten({ background: FLATTEN_BACKGROUND })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== RGB_CHANNELS || data.length !== info.width * info.height * RGB_CHANNELS) {
      throw new Error(`unexpected decoded layout: ${info.width}×${info.height}×${info.channels}, ${data.length} bytes`);
    }
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  } catch (e) {
    throw new PfeError('IMAGE_DECODE_FAILED', `${label} is damaged: its ${format.toUpperCase()} data is cut short or corrupt and cannot be decoded`, { path: label, reason: reasonOf(e) }, { cause: e });
  }
}
