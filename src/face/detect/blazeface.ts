/**
 * The BlazeFace face detector (MediaPipe full-range "back" model, 256×256, from
 * @vladmandic/human 3.3.6): the image is padded to a square at its top-left corner,
 * resized to 256×256, scaled to −1..1 (x/127.5 − 1, as human does); boxes and 6
 * keypoints are decoded from the anchors, filtered by score and NMS, and mapped back
 * to the original image's pixel coordinates.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import { PfeError } from '../../core/errors.js';
import type { RgbImage } from '../types.js';
import { generateAnchors } from './blazeface-anchors.js';
import { BLAZEFACE_KEYPOINTS, decodeBlazeface } from './blazeface-decode.js';
import { cropAndResizeBox } from './crop-box.js';
import { imageToTensor4d } from '../runtime/image-tensor.js';
import { loadLocalGraphModel } from '#platform/local-model';
import { bundledModelPath } from '#platform/model-paths';
import { type CornerBox, nonMaxSuppression } from './nms.js';

/** Detector input side (the model's input signature: [1, 256, 256, 3]). */
export const BLAZEFACE_INPUT_SIZE = 256;
/**
 * Output nodes in anchor order: scores and regressors of the stride-16 layer (512
 * anchors) then of the stride-32 layer (384), per the model's signature metadata.
 */
const SCORE_NODES = ['Identity', 'Identity_1'] as const;
const REGRESSOR_NODES = ['Identity_2', 'Identity_3'] as const;

/** Options of the detector. */
export interface BlazefaceOptions {
  /** Path of blazeface.json (default: the one in @vladmandic/human/models). */
  readonly modelPath?: string;
  /** Minimum sigmoid score of a detection (default 0.5). */
  readonly minScore?: number;
  /** IoU above which a lower-scored box is suppressed (default 0.3, MediaPipe's face detection value). */
  readonly iouThreshold?: number;
  /** At most this many faces (default 20). */
  readonly maxFaces?: number;
}

/** One BlazeFace detection in original image pixel coordinates (pixel centres at integers, as alignFace). */
export interface BlazefaceDetection {
  readonly score: number;
  readonly box: CornerBox;
  /**
   * 6 keypoints, 12 values (x, y): subject's right eye (image-left), subject's left eye,
   * nose tip, mouth centre, subject's right ear tragion, left ear tragion.
   */
  readonly keypoints: Float32Array;
}

/** The BlazeFace detector; load with `loadBlazeface`. */
export class BlazefaceDetector {
  private readonly model: GraphModel;
  private readonly anchors = generateAnchors(BLAZEFACE_INPUT_SIZE);
  private readonly minScore: number;
  private readonly iouThreshold: number;
  private readonly maxFaces: number;

  constructor(model: GraphModel, options: BlazefaceOptions = {}) {
    this.model = model;
    this.minScore = options.minScore ?? 0.5;
    this.iouThreshold = options.iouThreshold ?? 0.3;
    this.maxFaces = options.maxFaces ?? 20;
    if (!(this.minScore >= 0 && this.minScore <= 1)) throw new PfeError('INVALID_ARGUMENT', `minScore must be in [0, 1], got ${this.minScore}`);
    if (!Number.isInteger(this.maxFaces) || this.maxFaces < 1) throw new PfeError('INVALID_ARGUMENT', `maxFaces must be a positive integer, got ${this.maxFaces}`);
  }

  /** Detects faces in an image given as a float tensor [1, H, W, 3] of 0..255 values (not disposed). */
  async detectTensor(image: tf.Tensor4D): Promise<BlazefaceDetection[]> {
    const [, height, width] = image.shape;
    const side = Math.max(width, height);
    const scale = side / BLAZEFACE_INPUT_SIZE;
    // The square whose top-left pixel is the image's (that pixel's left edge is at −0.5, see crop-box.ts).
    const letterbox = { x: -0.5, y: -0.5, size: side };
    const toImage = (u: number) => letterbox.x + u * scale;
    const raw = tf.tidy(() => {
      // Pad to a side×side square at the top-left (black, extrapolation value 0) and resize in one op.
      const box = cropAndResizeBox(letterbox, width, height, BLAZEFACE_INPUT_SIZE);
      const square = tf.image.cropAndResize(image, [box], [0], [BLAZEFACE_INPUT_SIZE, BLAZEFACE_INPUT_SIZE], 'bilinear', 0);
      const input = tf.sub(tf.div(square, 127.5), 1);
      const out = this.model.execute(input, [...SCORE_NODES, ...REGRESSOR_NODES]) as tf.Tensor[];
      const [s16, s32, r16, r32] = out as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      // Per anchor: [logit, 16 regressors]; stride-16 anchors first.
      return tf.concat([tf.concat([s16, r16], 2), tf.concat([s32, r32], 2)], 1);
    });
    let values: Float32Array;
    try {
      values = (await raw.data()) as Float32Array;
    } finally {
      raw.dispose();
    }
    const candidates = decodeBlazeface(values, this.anchors, this.minScore);
    const kept = nonMaxSuppression(
      candidates.map((c) => c.box),
      candidates.map((c) => c.score),
      this.iouThreshold,
      this.minScore,
      this.maxFaces,
    );
    return kept.map((i) => {
      const c = candidates[i]!;
      const keypoints = new Float32Array(2 * BLAZEFACE_KEYPOINTS);
      for (let k = 0; k < keypoints.length; k++) keypoints[k] = toImage(c.keypoints[k]!);
      return { score: c.score, box: { x0: toImage(c.box.x0), y0: toImage(c.box.y0), x1: toImage(c.box.x1), y1: toImage(c.box.y1) }, keypoints };
    });
  }

  /** Detects faces in an RgbImage; results in its pixel coordinates, best score first. */
  async detect(image: RgbImage): Promise<BlazefaceDetection[]> {
    const t = imageToTensor4d(image);
    try {
      return await this.detectTensor(t);
    } finally {
      t.dispose();
    }
  }

  /** Frees the model. */
  dispose(): void {
    this.model.dispose();
  }
}

/** Loads BlazeFace (a tfjs backend must be initialised, see `initBackend`). */
export async function loadBlazeface(options: BlazefaceOptions = {}): Promise<BlazefaceDetector> {
  const model = await loadLocalGraphModel(options.modelPath ?? bundledModelPath('blazeface'));
  return new BlazefaceDetector(model, options);
}
