/**
 * Decoding of BlazeFace's raw regressor output into scored boxes and keypoints.
 * Each of the A anchors has 17 values: a score logit, then (dx, dy, w, h) of the box
 * and (dx, dy) of 6 keypoints, all in input pixels; centres and keypoints are offsets
 * from the anchor centre, sizes are absolute (see @vladmandic/human's blazeface.ts).
 */
import { PfeError } from '../../core/errors.js';
import type { CornerBox } from './nms.js';

/** Values per anchor: 1 logit + 4 box + 6 keypoints × 2. */
export const BLAZEFACE_VALUES_PER_ANCHOR = 17;
/** Keypoints per face: subject's right eye (image-left), left eye, nose tip, mouth centre, right ear tragion, left ear tragion. */
export const BLAZEFACE_KEYPOINTS = 6;

/** One decoded candidate, in the detector's input pixel frame. */
export interface BlazefaceCandidate {
  /** Index of the anchor it came from. */
  readonly anchor: number;
  /** sigmoid(logit), in 0..1. */
  readonly score: number;
  readonly box: CornerBox;
  /** 6 keypoints, 12 values (x0, y0, x1, y1, ...), in the order of BLAZEFACE_KEYPOINTS. */
  readonly keypoints: Float32Array;
}

/** The logistic function, written to stay finite for large |x|. */
export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/**
 * Decodes every anchor whose score is ≥ minScore. `raw` is A×17 row-major; `anchors`
 * is A×2 (x, y) centres in input pixels (see generateAnchors).
 */
export function decodeBlazeface(raw: Float32Array, anchors: Float32Array, minScore: number): BlazefaceCandidate[] {
  const count = anchors.length / 2;
  if (!Number.isInteger(count) || raw.length !== count * BLAZEFACE_VALUES_PER_ANCHOR) {
    throw new PfeError('DIMENSION_MISMATCH', `blazeface output has ${raw.length} values, ${anchors.length / 2} anchors need ${count * BLAZEFACE_VALUES_PER_ANCHOR}`, { length: raw.length, anchors: count });
  }
  const out: BlazefaceCandidate[] = [];
  for (let a = 0; a < count; a++) {
    const base = a * BLAZEFACE_VALUES_PER_ANCHOR;
    const score = sigmoid(raw[base]!);
    if (!(score >= minScore)) continue;
    const ax = anchors[2 * a]!;
    const ay = anchors[2 * a + 1]!;
    const cx = ax + raw[base + 1]!;
    const cy = ay + raw[base + 2]!;
    const hw = raw[base + 3]! / 2;
    const hh = raw[base + 4]! / 2;
    const keypoints = new Float32Array(2 * BLAZEFACE_KEYPOINTS);
    for (let k = 0; k < BLAZEFACE_KEYPOINTS; k++) {
      keypoints[2 * k] = ax + raw[base + 5 + 2 * k]!;
      keypoints[2 * k + 1] = ay + raw[base + 6 + 2 * k]!;
    }
    out.push({ anchor: a, score, box: { x0: cx - hw, y0: cy - hh, x1: cx + hw, y1: cy + hh }, keypoints });
  }
  return out;
}
