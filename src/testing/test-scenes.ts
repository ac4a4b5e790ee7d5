/**
 * Test helper (detector and service tests, the detection benchmark): synthetic scenes made of
 * the LFW fixture faces: enlarged onto a big canvas, laid out in a grid, shrunk and
 * scattered, turned by a quarter. Resampling is sharp's (Node only, like the tests).
 */
import sharp from 'sharp';
import type { FiveLandmarks, RgbImage } from '../face/types.js';

/** Mid-grey canvas fill (no face-like structure). */
const CANVAS_GREY = 128;

/** A width×height grey canvas. */
export function greyCanvas(width: number, height: number): { width: number; height: number; data: Uint8Array } {
  return { width, height, data: new Uint8Array(width * height * 3).fill(CANVAS_GREY) };
}

/** `image` resized to width×height (bilinear; sharp's 'linear' kernel). */
export async function resizeImage(image: RgbImage, width: number, height: number): Promise<RgbImage> {
  const out = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } }).resize(width, height, { kernel: 'linear', fit: 'fill' }).raw().toBuffer();
  return { width, height, data: new Uint8Array(out.buffer, out.byteOffset, out.byteLength) };
}

/** Copies `image` into `canvas` with its top-left pixel at (x, y) (must fit). */
export function paste(canvas: { width: number; data: Uint8Array }, image: RgbImage, x: number, y: number): void {
  for (let row = 0; row < image.height; row++) {
    canvas.data.set(image.data.subarray(row * image.width * 3, (row + 1) * image.width * 3), ((y + row) * canvas.width + x) * 3);
  }
}

/** `image` turned 90° clockwise: pixel (x, y) goes to (H − 1 − y, x). */
export function turnClockwise(image: RgbImage): RgbImage {
  const { width: w, height: h, data } = image;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const to = (x * h + (h - 1 - y)) * 3;
      const from = (y * w + x) * 3;
      out[to] = data[from]!;
      out[to + 1] = data[from + 1]!;
      out[to + 2] = data[from + 2]!;
    }
  }
  return { width: h, height: w, data: out };
}

/**
 * Landmarks of a `size`-pixel image mapped into a copy scaled by `scale` and pasted at
 * (x, y), pixel centres at integers: p ↦ (p + 0.5)·scale − 0.5 + offset.
 */
export function mapLandmarks(points: FiveLandmarks, scale: number, x: number, y: number): FiveLandmarks {
  return points.map((p) => ({ x: (p.x + 0.5) * scale - 0.5 + x, y: (p.y + 0.5) * scale - 0.5 + y })) as unknown as FiveLandmarks;
}

/** Mean distance between corresponding points of two landmark sets. */
export function meanLandmarkDistance(a: FiveLandmarks, b: FiveLandmarks): number {
  let s = 0;
  for (let i = 0; i < 5; i++) s += Math.hypot(a[i]!.x - b[i]!.x, a[i]!.y - b[i]!.y);
  return s / 5;
}

/** Distance between the two eye centres (the first two points). */
export function eyeDistance(p: FiveLandmarks): number {
  return Math.hypot(p[1].x - p[0].x, p[1].y - p[0].y);
}
