/**
 * Geometry of crops fed to the detectors: square boxes around faces and the
 * normalised boxes that make tf.image.cropAndResize sample exactly the wanted region.
 */
import type { CornerBox } from './nms.js';

/** A square region in continuous image coordinates (pixel k spans [k, k+1)). */
export interface SquareRegion {
  /** Left edge. */
  readonly x: number;
  /** Top edge. */
  readonly y: number;
  /** Side length in pixels. */
  readonly size: number;
}

/**
 * The square of side max(w, h)·factor centred on `box` (human's enlargeBox then
 * squarifyBox; human uses factor 1.4 before facemesh).
 */
export function enlargedSquare(box: CornerBox, factor: number): SquareRegion {
  const cx = (box.x0 + box.x1) / 2;
  const cy = (box.y0 + box.y1) / 2;
  const size = Math.max(box.x1 - box.x0, box.y1 - box.y0) * factor;
  return { x: cx - size / 2, y: cy - size / 2, size };
}

/**
 * The normalised box [y1, x1, y2, x2] for tf.image.cropAndResize that resamples
 * `region` of an imageWidth×imageHeight image onto an outSize×outSize grid whose
 * pixel centres fall at region.x + (i + 0.5)·size/outSize (the half-pixel convention).
 * cropAndResize samples pixel index y1·(H−1) + i·(y2−y1)·(H−1)/(outSize−1), and pixel
 * index p has its centre at continuous coordinate p + 0.5; solving gives the box below.
 * A point u in the output's continuous frame maps back to region.x + u·size/outSize.
 * Parts outside the image are filled with cropAndResize's extrapolation value.
 */
export function cropAndResizeBox(region: SquareRegion, imageWidth: number, imageHeight: number, outSize: number): [number, number, number, number] {
  const step = region.size / outSize;
  const first = (origin: number) => origin + step / 2 - 0.5;
  const last = (origin: number) => origin + region.size - step / 2 - 0.5;
  // A 1-pixel dimension has H−1 = 0; any finite box then samples that single row/column.
  const norm = (v: number, extent: number) => (extent > 1 ? v / (extent - 1) : 0);
  return [norm(first(region.y), imageHeight), norm(first(region.x), imageWidth), norm(last(region.y), imageHeight), norm(last(region.x), imageWidth)];
}
