/** Greedy non-maximum suppression over axis-aligned boxes. */
import { PfeError } from '../../core/errors.js';

/** A box by its corners (x0 ≤ x1, y0 ≤ y1), any unit. */
export interface CornerBox {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/** Intersection over union of two corner boxes; 0 when either has no area. */
export function iou(a: CornerBox, b: CornerBox): number {
  const iw = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
  const ih = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  const union = (a.x1 - a.x0) * (a.y1 - a.y0) + (b.x1 - b.x0) * (b.y1 - b.y0) - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Indices of the boxes kept by greedy NMS: candidates with score ≥ minScore, taken in
 * decreasing score order, each dropped when its IoU with an already kept box exceeds
 * iouThreshold; at most maxCount are kept. Ties keep the lower index first.
 */
export function nonMaxSuppression(boxes: readonly CornerBox[], scores: ArrayLike<number>, iouThreshold: number, minScore: number, maxCount = Infinity): number[] {
  if (boxes.length !== scores.length) {
    throw new PfeError('DIMENSION_MISMATCH', `${boxes.length} boxes but ${scores.length} scores`, { boxes: boxes.length, scores: scores.length });
  }
  if (!(iouThreshold >= 0 && iouThreshold <= 1)) throw new PfeError('INVALID_ARGUMENT', `iouThreshold must be in [0, 1], got ${iouThreshold}`, { iouThreshold });
  const order: number[] = [];
  for (let i = 0; i < boxes.length; i++) if (scores[i]! >= minScore) order.push(i);
  order.sort((a, b) => scores[b]! - scores[a]! || a - b);
  const kept: number[] = [];
  for (const i of order) {
    if (kept.length >= maxCount) break;
    let suppressed = false;
    for (const k of kept) {
      if (iou(boxes[i]!, boxes[k]!) > iouThreshold) {
        suppressed = true;
        break;
      }
    }
    if (!suppressed) kept.push(i);
  }
  return kept;
}
