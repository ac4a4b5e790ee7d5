/**
 * Fallback five landmarks from BlazeFace's keypoints alone (used when FaceMesh rejects
 * a face): eyes and nose are BlazeFace's, the two mouth corners are estimated from its
 * mouth centre along the eye axis.
 */
import type { FiveLandmarks } from '../types.js';

/**
 * Half the mouth width relative to the eye distance, from the ArcFace 112×112 template
 * (eyes at x 38.2946 and 73.5318, mouth corners at x 41.5493 and 70.7299):
 * (70.7299 − 41.5493) / (73.5318 − 38.2946) / 2 ≈ 0.414.
 */
export const MOUTH_HALF_WIDTH_PER_EYE_DISTANCE = (70.7299 - 41.5493) / (73.5318 - 38.2946) / 2;

/** FiveLandmarks from BlazeFace keypoints (12 values: right eye, left eye, nose, mouth centre, ears), image order. */
export function fiveLandmarksFromBlazeface(keypoints: Float32Array): FiveLandmarks {
  const ex = keypoints[2]! - keypoints[0]!;
  const ey = keypoints[3]! - keypoints[1]!;
  const mx = keypoints[6]!;
  const my = keypoints[7]!;
  const k = MOUTH_HALF_WIDTH_PER_EYE_DISTANCE;
  return [
    { x: keypoints[0]!, y: keypoints[1]! },
    { x: keypoints[2]!, y: keypoints[3]! },
    { x: keypoints[4]!, y: keypoints[5]! },
    { x: mx - k * ex, y: my - k * ey },
    { x: mx + k * ex, y: my + k * ey },
  ];
}
