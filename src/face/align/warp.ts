import { PfeError } from '../../core/errors.js';
import type { RgbImage } from '../types.js';
import { type Affine2x3, invertAffine } from './affine.js';
import { assertRgbImage, blankRgbImage, RGB_CHANNELS, toByte } from '../image/rgb-image.js';

/**
 * How pixels outside the source image are treated by the warp:
 * 'constant' = black (0), as OpenCV's BORDER_CONSTANT default, which insightface's
 * `norm_crop` uses, so crops match what ArcFace-style backbones saw in training;
 * 'replicate' = the nearest edge pixel (no dark seams, but smears the edge outward).
 */
export type WarpBorder = 'constant' | 'replicate';

/**
 * Warps an image with an affine map by inverse mapping and bilinear interpolation:
 * each output pixel (u, v) takes the bilinear sample of `image` at m⁻¹(u, v).
 * Coordinates follow Affine2x3's convention (pixel centres at integers), so the result
 * matches OpenCV `warpAffine(image, m, (width, height), INTER_LINEAR)` up to its 1/32-pixel
 * fixed-point weights (±1 grey level).
 *
 * @param image source, RGB
 * @param m forward map from source pixel coordinates to output pixel coordinates
 * @param width output width in pixels
 * @param height output height in pixels
 * @param border treatment of samples outside the source (default 'constant' = 0)
 * @returns a new width×height RgbImage
 * @throws PfeError INVALID_ARGUMENT (singular m, bad size), DIMENSION_MISMATCH (malformed image)
 */
export function warpAffine(image: RgbImage, m: Affine2x3, width: number, height: number, border: WarpBorder = 'constant'): RgbImage {
  assertRgbImage(image);
  if (border !== 'constant' && border !== 'replicate') {
    throw new PfeError('INVALID_ARGUMENT', `border must be 'constant' or 'replicate', got '${String(border)}'`, { border });
  }
  const out = blankRgbImage(width, height);
  const inv = invertAffine(m);
  const sw = image.width;
  const sh = image.height;
  const src = image.data;
  const dst = out.data;
  const replicate = border === 'replicate';
  for (let v = 0; v < height; v++) {
    for (let u = 0; u < width; u++) {
      const sx = inv[0] * u + inv[1] * v + inv[2];
      const sy = inv[3] * u + inv[4] * v + inv[5];
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const o = (v * width + u) * RGB_CHANNELS;
      if (x0 >= 0 && y0 >= 0 && x0 + 1 < sw && y0 + 1 < sh) {
        // Fast path: all four neighbours inside.
        const p00 = (y0 * sw + x0) * RGB_CHANNELS;
        const p01 = p00 + RGB_CHANNELS;
        const p10 = p00 + sw * RGB_CHANNELS;
        const p11 = p10 + RGB_CHANNELS;
        for (let c = 0; c < RGB_CHANNELS; c++) {
          const top = src[p00 + c]! + (src[p01 + c]! - src[p00 + c]!) * fx;
          const bottom = src[p10 + c]! + (src[p11 + c]! - src[p10 + c]!) * fx;
          dst[o + c] = toByte(top + (bottom - top) * fy);
        }
        continue;
      }
      if (!replicate && (x0 + 1 < 0 || y0 + 1 < 0 || x0 >= sw || y0 >= sh)) continue; // wholly outside: stays 0
      for (let c = 0; c < RGB_CHANNELS; c++) {
        let acc = 0;
        for (let dy = 0; dy <= 1; dy++) {
          let y = y0 + dy;
          const wy = dy === 0 ? 1 - fy : fy;
          if (y < 0 || y >= sh) {
            if (!replicate) continue;
            y = y < 0 ? 0 : sh - 1;
          }
          for (let dx = 0; dx <= 1; dx++) {
            let x = x0 + dx;
            const wx = dx === 0 ? 1 - fx : fx;
            if (x < 0 || x >= sw) {
              if (!replicate) continue;
              x = x < 0 ? 0 : sw - 1;
            }
            acc += wx * wy * src[(y * sw + x) * RGB_CHANNELS + c]!;
          }
        }
        dst[o + c] = toByte(acc);
      }
    }
  }
  return out;
}
