/**
 * Small DOM helpers of the demo page: finding elements, showing a number both as text and
 * at full precision in a data-value attribute (what the end-to-end test reads), drawing
 * RGB images and detections on canvases.
 */
import type { Box, FiveLandmarks, RgbImage } from '../face/types.js';

/** The element with `id`; throws when the page lacks it (a page/script mismatch, not a user error). */
export function el<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (e === null) throw new Error(`the page has no #${id}`);
  return e as T;
}

/** Shows `text` in #id and keeps `value` at full precision in its data-value. */
export function show(id: string, value: number, text: string): void {
  const e = el(id);
  e.textContent = text;
  e.dataset['value'] = String(value);
}

/** Empties #id of every element listed: text '–' and no data-* values left behind. */
export function clearShown(...ids: readonly string[]): void {
  for (const id of ids) {
    const e = el(id);
    e.textContent = '–';
    for (const key of Object.keys(e.dataset)) delete e.dataset[key];
  }
}

/** Pixels of an RgbImage as canvas ImageData (alpha 255). */
function toImageData(img: RgbImage): ImageData {
  const rgba = new ImageData(img.width, img.height);
  for (let p = 0, q = 0; q < img.data.length; p += 4, q += 3) {
    rgba.data[p] = img.data[q]!;
    rgba.data[p + 1] = img.data[q + 1]!;
    rgba.data[p + 2] = img.data[q + 2]!;
    rgba.data[p + 3] = 255;
  }
  return rgba;
}

/** Draws `img` at its own size (the canvas takes that size). */
export function drawRgb(canvas: HTMLCanvasElement, img: RgbImage): void {
  canvas.width = img.width;
  canvas.height = img.height;
  canvas.getContext('2d')?.putImageData(toImageData(img), 0, 0);
}

/** Fills the canvas with the page's empty grey. */
export function clearCanvas(canvas: HTMLCanvasElement): void {
  const ctx = canvas.getContext('2d');
  if (ctx === null) return;
  ctx.fillStyle = '#eeeeee';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
}

/** Largest side of the photo view in CSS pixels (the photo is scaled down to fit). */
const PHOTO_VIEW_SIZE = 220;

/**
 * Draws the analysed photo scaled to fit PHOTO_VIEW_SIZE, with the detector's box (when
 * there is one) and the five alignment landmarks on top.
 */
export function drawDetection(canvas: HTMLCanvasElement, img: RgbImage, landmarks: FiveLandmarks, box: Box | null | undefined): void {
  const scale = Math.min(1, PHOTO_VIEW_SIZE / Math.max(img.width, img.height));
  canvas.width = Math.max(1, Math.round(img.width * scale));
  canvas.height = Math.max(1, Math.round(img.height * scale));
  const ctx = canvas.getContext('2d');
  if (ctx === null) return;
  const full = new OffscreenCanvas(img.width, img.height);
  full.getContext('2d')?.putImageData(toImageData(img), 0, 0);
  ctx.drawImage(full, 0, 0, canvas.width, canvas.height);
  ctx.lineWidth = 2;
  if (box !== null && box !== undefined) {
    ctx.strokeStyle = '#2ca02c';
    ctx.strokeRect(box.x * scale, box.y * scale, box.width * scale, box.height * scale);
  }
  ctx.fillStyle = '#d62728';
  for (const p of landmarks) {
    ctx.beginPath();
    ctx.arc(p.x * scale, p.y * scale, 2.5, 0, 2 * Math.PI);
    ctx.fill();
  }
}
