/**
 * Five alignment landmarks from the 468-point MediaPipe face mesh. Indices are the
 * canonical mesh topology (as in @vladmandic/human's facemeshcoords.ts): the eye
 * contours rightEyeUpper0/rightEyeLower0 (subject's right eye = image-left) and their
 * left-eye mirrors, nose tip 1, mouth corners 61 (subject's right = image-left) and 291.
 */
import { PfeError } from '../../core/errors.js';
import type { FiveLandmarks, Point } from '../types.js';
import { FACEMESH_POINTS } from './facemesh.js';

/** Subject's right eye contour (upper lid 7 points + lower lid 9 points, corners 33 and 133 included). */
export const MESH_RIGHT_EYE_CONTOUR: readonly number[] = [246, 161, 160, 159, 158, 157, 173, 33, 7, 163, 144, 145, 153, 154, 155, 133];
/** Subject's left eye contour (the mirror of MESH_RIGHT_EYE_CONTOUR, corners 263 and 362). */
export const MESH_LEFT_EYE_CONTOUR: readonly number[] = [466, 388, 387, 386, 385, 384, 398, 263, 249, 390, 373, 374, 380, 381, 382, 362];
/** Nose tip. */
export const MESH_NOSE_TIP = 1;
/** Mouth corner on the subject's right (image-left). */
export const MESH_MOUTH_RIGHT = 61;
/** Mouth corner on the subject's left (image-right). */
export const MESH_MOUTH_LEFT = 291;

function pointAt(points: Float32Array, i: number): Point {
  return { x: points[3 * i]!, y: points[3 * i + 1]! };
}

function centroid(points: Float32Array, indices: readonly number[]): Point {
  let x = 0;
  let y = 0;
  for (const i of indices) {
    x += points[3 * i]!;
    y += points[3 * i + 1]!;
  }
  return { x: x / indices.length, y: y / indices.length };
}

/**
 * FiveLandmarks from a mesh (468×3 row-major, image coordinates): each eye centre is
 * the centroid of its 16-point lid contour (an estimate of the pupil for an open eye,
 * like MTCNN's eye points), then nose tip and the two mouth corners, in image order
 * (subject's right = image-left first).
 */
export function fiveLandmarksFromMesh(points: Float32Array): FiveLandmarks {
  if (points.length !== FACEMESH_POINTS * 3) {
    throw new PfeError('DIMENSION_MISMATCH', `a face mesh has ${FACEMESH_POINTS}×3 values, got ${points.length}`, { length: points.length });
  }
  return [
    centroid(points, MESH_RIGHT_EYE_CONTOUR),
    centroid(points, MESH_LEFT_EYE_CONTOUR),
    pointAt(points, MESH_NOSE_TIP),
    pointAt(points, MESH_MOUTH_RIGHT),
    pointAt(points, MESH_MOUTH_LEFT),
  ];
}
