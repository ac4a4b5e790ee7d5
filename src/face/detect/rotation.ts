/**
 * Quarter-turn rotations of an image and of points between the rotated and the original
 * frame. Points use the continuous pixel frame (pixel i spans [i, i+1)); a quarter turn
 * is exact in it. Turning clockwise by 90° maps (x, y) of a W×H image to (H − y, x) of
 * the H×W result.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Point } from '../types.js';

/** Clockwise quarter turns in degrees. */
export type QuarterTurn = 0 | 90 | 180 | 270;

/** Image [1, H, W, C] turned clockwise by `turn` (a new tensor; the caller disposes it). */
export function rotateImageTensor(image: tf.Tensor4D, turn: QuarterTurn): tf.Tensor4D {
  return tf.tidy(() => {
    switch (turn) {
      case 0:
        return tf.clone(image);
      case 90:
        return tf.reverse(tf.transpose(image, [0, 2, 1, 3]), 2);
      case 180:
        return tf.reverse(image, [1, 2]);
      case 270:
        return tf.reverse(tf.transpose(image, [0, 2, 1, 3]), 1);
    }
  });
}

/**
 * A point of the image turned clockwise by `turn` mapped back to the original
 * width×height image (continuous frame).
 */
export function unrotatePoint(p: Point, turn: QuarterTurn, width: number, height: number): Point {
  switch (turn) {
    case 0:
      return p;
    case 90:
      // Forward: (x, y) → (H − y, x); inverse: (x', y') → (y', H − x').
      return { x: p.y, y: height - p.x };
    case 180:
      return { x: width - p.x, y: height - p.y };
    case 270:
      // Forward: (x, y) → (y, W − x); inverse: (x', y') → (W − y', x').
      return { x: width - p.y, y: p.x };
  }
}
