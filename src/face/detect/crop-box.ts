/**
 * Geometry of the detector's letterbox crop: the normalised box that makes
 * tf.image.cropAndResize sample exactly the wanted square region.
 * Image coordinates follow the project's convention (as alignFace): pixel k has its
 * centre at k, so it spans [k − 0.5, k + 0.5) and a W-pixel row spans [−0.5, W − 0.5).
 * The models' own outputs are in the continuous frame of their input, where output
 * pixel i spans [i, i + 1) (MediaPipe's convention).
 */

/** A square region in image coordinates (pixel centres at integers). */
export interface SquareRegion {
  /** Left edge. */
  readonly x: number;
  /** Top edge. */
  readonly y: number;
  /** Side length in pixels. */
  readonly size: number;
}

/**
 * The normalised box [y1, x1, y2, x2] for tf.image.cropAndResize that resamples
 * `region` of an imageWidth×imageHeight image onto an outSize×outSize grid whose
 * output pixel i samples the image at region.x + (i + 0.5)·size/outSize (i.e. output
 * pixel i covers [region.x + i·step, region.x + (i+1)·step) with step = size/outSize).
 * cropAndResize samples pixel index y1·(H−1) + i·(y2−y1)·(H−1)/(outSize−1); solving
 * for the first and last sample gives the box below. A point u in the output's
 * continuous frame (pixel i spans [i, i+1)) maps back to region.x + u·size/outSize.
 * Parts outside the image are filled with cropAndResize's extrapolation value.
 */
export function cropAndResizeBox(region: SquareRegion, imageWidth: number, imageHeight: number, outSize: number): [number, number, number, number] {
  const step = region.size / outSize;
  const first = (origin: number) => origin + step / 2;
  const last = (origin: number) => origin + region.size - step / 2;
  // A 1-pixel dimension has H−1 = 0; any finite box then samples that single row/column.
  const norm = (v: number, extent: number) => (extent > 1 ? v / (extent - 1) : 0);
  return [norm(first(region.y), imageHeight), norm(first(region.x), imageWidth), norm(last(region.y), imageHeight), norm(last(region.x), imageWidth)];
}
