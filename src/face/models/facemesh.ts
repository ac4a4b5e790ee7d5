/**
 * MediaPipe FaceMesh (from @vladmandic/human 3.3.6): 468 3-D landmarks of a face from a
 * 192×192 crop with values 0..1 (human's cutAndResize divides by 255). Output
 * `Identity_2` [N, 1404] is 468 × (x, y, z) in the crop's pixel frame; `Identity_1`
 * [N, 1] is the face-presence score.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import { PfeError } from '../../core/errors.js';
import { cropAndResizeBox, type SquareRegion } from './cropBox.js';
import { loadLocalGraphModel } from './localModel.js';
import { bundledModelPath } from './modelPaths.js';

/** Crop side of the model (its input signature: [-1, 192, 192, 3]). */
export const FACEMESH_INPUT_SIZE = 192;
/** Landmarks per face. */
export const FACEMESH_POINTS = 468;
const MESH_NODE = 'Identity_2';
const FLAG_NODE = 'Identity_1';

/** The mesh of one face in original image coordinates. */
export interface FaceMeshResult {
  /** 468×3 row-major (x, y, z); x and y in image pixels (centres at integers), z in the same scale, relative depth. */
  readonly points: Float32Array;
  /** The model's face-presence score, as output (human compares it with a 0..1 threshold). */
  readonly faceScore: number;
}

/** FaceMesh; load with `loadFaceMesh`. */
export class FaceMeshModel {
  private readonly model: GraphModel;

  constructor(model: GraphModel) {
    this.model = model;
  }

  /**
   * Runs the mesh on square `regions` of `image` (float tensor [1, H, W, 3], 0..255,
   * not disposed) in one batched call; results in the order of `regions`. Regions and
   * results are in image coordinates with pixel centres at integers (see cropBox.ts).
   */
  async estimate(image: tf.Tensor4D, regions: readonly SquareRegion[]): Promise<FaceMeshResult[]> {
    if (regions.length === 0) return [];
    for (const [i, r] of regions.entries()) {
      if (!(r.size > 0) || !Number.isFinite(r.x) || !Number.isFinite(r.y)) throw new PfeError('INVALID_ARGUMENT', `region ${i} is not a finite square of positive size`, { index: i });
    }
    const [, height, width] = image.shape;
    const outputs = tf.tidy(() => {
      const boxes = regions.map((r) => cropAndResizeBox(r, width, height, FACEMESH_INPUT_SIZE));
      const crops = tf.image.cropAndResize(image, boxes, regions.map(() => 0), [FACEMESH_INPUT_SIZE, FACEMESH_INPUT_SIZE], 'bilinear', 0);
      return this.model.execute(tf.div(crops, 255), [MESH_NODE, FLAG_NODE]) as tf.Tensor[];
    });
    let mesh: Float32Array;
    let flags: Float32Array;
    try {
      mesh = (await outputs[0]!.data()) as Float32Array;
      flags = (await outputs[1]!.data()) as Float32Array;
    } finally {
      tf.dispose(outputs);
    }
    return regions.map((r, i) => {
      const s = r.size / FACEMESH_INPUT_SIZE;
      const points = new Float32Array(FACEMESH_POINTS * 3);
      const base = i * FACEMESH_POINTS * 3;
      for (let p = 0; p < FACEMESH_POINTS; p++) {
        points[3 * p] = r.x + mesh[base + 3 * p]! * s;
        points[3 * p + 1] = r.y + mesh[base + 3 * p + 1]! * s;
        points[3 * p + 2] = mesh[base + 3 * p + 2]! * s;
      }
      return { points, faceScore: flags[i]! };
    });
  }

  /** Frees the model. */
  dispose(): void {
    this.model.dispose();
  }
}

/** Loads FaceMesh from `modelPath` (default: @vladmandic/human/models/facemesh.json). */
export async function loadFaceMesh(modelPath: string = bundledModelPath('facemesh')): Promise<FaceMeshModel> {
  return new FaceMeshModel(await loadLocalGraphModel(modelPath));
}
