/**
 * MediaPipe FaceMesh (from @vladmandic/human 3.3.6): 468 3-D landmarks of a face from a
 * 192×192 crop with values 0..1 (human's cutAndResize divides by 255). Output
 * `Identity_2` [N, 1404] is 468 × (x, y, z) in the crop's pixel frame; `Identity_1`
 * [N, 1] is the face-presence score. The crop is rotated so the eyes are level: the
 * mesh is unreliable on rolled faces (measured: at 30° roll without it the eye line
 * came out at 17°), which is why human has its rotation correction too.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import { PfeError } from '../../core/errors.js';
import type { Affine2x3 } from '../align/affine.js';
import { warpAffine } from '../align/warp.js';
import type { RgbImage } from '../types.js';
import { packImageBatch } from '../runtime/image-tensor.js';
import { loadLocalGraphModel } from '#platform/local-model';
import { bundledModelPath } from '#platform/model-paths';

/** Crop side of the model (its input signature: [-1, 192, 192, 3]). */
export const FACEMESH_INPUT_SIZE = 192;
/** Landmarks per face. */
export const FACEMESH_POINTS = 468;
const MESH_NODE = 'Identity_2';
const FLAG_NODE = 'Identity_1';

/** A square, possibly rotated, region around a face, in image coordinates (pixel centres at integers). */
export interface FaceRegion {
  readonly centreX: number;
  readonly centreY: number;
  /** Side in pixels. */
  readonly size: number;
  /** Roll in radians (image x axis towards y axis, i.e. clockwise on screen): the direction of the image-left → image-right eye line. */
  readonly angle: number;
}

/** The mesh of one face in original image coordinates. */
export interface FaceMeshResult {
  /** 468×3 row-major (x, y, z); x and y in image pixels (centres at integers), z in the same scale, relative depth. */
  readonly points: Float32Array;
  /** The model's face-presence score, as output (human compares it with a 0..1 threshold). */
  readonly faceScore: number;
}

/**
 * The affine map from image coordinates to the crop's (both with pixel centres at
 * integers) that takes `region` onto the outSize×outSize crop, de-rotated by region.angle:
 * q = R(−angle)·(p − centre)·outSize/size + (outSize − 1)/2.
 */
export function regionToCropAffine(region: FaceRegion, outSize: number): Affine2x3 {
  const k = outSize / region.size;
  const c = Math.cos(region.angle);
  const s = Math.sin(region.angle);
  const half = (outSize - 1) / 2;
  return [k * c, k * s, half - k * (c * region.centreX + s * region.centreY), -k * s, k * c, half - k * (-s * region.centreX + c * region.centreY)];
}

/** FaceMesh; load with `loadFaceMesh`. */
export class FaceMeshModel {
  private readonly model: GraphModel;

  constructor(model: GraphModel) {
    this.model = model;
  }

  /** Runs the mesh on `regions` of `image` in one batched call; results in the order of `regions`, in image coordinates. */
  async estimate(image: RgbImage, regions: readonly FaceRegion[]): Promise<FaceMeshResult[]> {
    if (regions.length === 0) return [];
    for (const [i, r] of regions.entries()) {
      if (!(r.size > 0) || ![r.centreX, r.centreY, r.size, r.angle].every(Number.isFinite)) {
        throw new PfeError('INVALID_ARGUMENT', `face region ${i} must be finite with a positive size`, { index: i });
      }
    }
    const n = FACEMESH_INPUT_SIZE;
    const crops = regions.map((r) => warpAffine(image, regionToCropAffine(r, n), n, n, 'constant'));
    const outputs = tf.tidy(() => {
      const input = tf.tensor4d(packImageBatch(crops, n, 1 / 255), [crops.length, n, n, 3]);
      return this.model.execute(input, [MESH_NODE, FLAG_NODE]) as tf.Tensor[];
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
      // Model output m is in the crop's continuous frame (pixel j spans [j, j+1)), so the crop
      // coordinate is m − 0.5 and the image point is centre + R(angle)·(m − outSize/2)·size/outSize.
      const k = r.size / n;
      const c = Math.cos(r.angle);
      const s = Math.sin(r.angle);
      const points = new Float32Array(FACEMESH_POINTS * 3);
      const base = i * FACEMESH_POINTS * 3;
      for (let p = 0; p < FACEMESH_POINTS; p++) {
        const u = (mesh[base + 3 * p]! - n / 2) * k;
        const v = (mesh[base + 3 * p + 1]! - n / 2) * k;
        points[3 * p] = r.centreX + c * u - s * v;
        points[3 * p + 1] = r.centreY + s * u + c * v;
        points[3 * p + 2] = mesh[base + 3 * p + 2]! * k;
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
