/**
 * The five alignment landmarks from the 68-point iBUG-300W markup, as dlib defines its
 * 5-point reduction of the 68-point mean face (used for dlib's 150×150 face chip):
 * eye centres = mean of each eye's six points, nose tip = point 30, mouth corners =
 * points 48 and 54 (0-based indices).
 */
import { PfeError } from '../../core/errors.js';
import type { FiveLandmarks, Point } from '../types.js';
import { LANDMARK_68_COUNT } from './landmark-68-net.js';

/** 0-based indices of the subject's right eye (image-left in an upright frontal face) in the 68-point markup. */
const RIGHT_EYE = [36, 37, 38, 39, 40, 41] as const;
/** 0-based indices of the subject's left eye (image-right). */
const LEFT_EYE = [42, 43, 44, 45, 46, 47] as const;
const NOSE_TIP = 30;
const MOUTH_RIGHT_CORNER = 48;
const MOUTH_LEFT_CORNER = 54;

function mean(points: Float32Array, indices: readonly number[]): Point {
  let x = 0;
  let y = 0;
  for (const i of indices) {
    x += points[2 * i]!;
    y += points[2 * i + 1]!;
  }
  return { x: x / indices.length, y: y / indices.length };
}

function at(points: Float32Array, i: number): Point {
  return { x: points[2 * i]!, y: points[2 * i + 1]! };
}

/**
 * FiveLandmarks (subject's right eye, left eye, nose tip, right mouth corner, left mouth
 * corner: the image-left-first order of an upright face) from 68 points given as 136
 * values x0, y0, x1, y1, ...
 */
export function fiveLandmarksFrom68(points: Float32Array): FiveLandmarks {
  if (points.length !== 2 * LANDMARK_68_COUNT) throw new PfeError('DIMENSION_MISMATCH', `expected ${2 * LANDMARK_68_COUNT} values (68 points), got ${points.length}`);
  return [mean(points, RIGHT_EYE), mean(points, LEFT_EYE), at(points, NOSE_TIP), at(points, MOUTH_RIGHT_CORNER), at(points, MOUTH_LEFT_CORNER)];
}
