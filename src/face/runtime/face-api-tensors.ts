/**
 * face-api nets' weights as tfjs tensors, for the forward passes that run tfjs ops on them
 * directly (the detector and its 68-point landmark net): `face-api-weights.ts` reads and
 * dequantizes the files, this module only wraps the arrays.
 */
import * as tf from '@tensorflow/tfjs-core';
import { PfeError } from '../../core/errors.js';
import { faceApiFile, faceApiModelDir, loadWeightsManifest } from './face-api-weights.js';

/** The face-api networks whose weights this project reads. */
export type FaceApiModelName = 'tiny_face_detector_model' | 'face_landmark_68_model' | 'face_landmark_68_tiny_model' | 'ssd_mobilenetv1_model' | 'face_recognition_model';

/** A net's tensors by name; the owner disposes them (`disposeFaceApiWeights`). */
export type FaceApiWeights = ReadonlyMap<string, tf.Tensor>;

/**
 * Reads `<name>-weights_manifest.json` and its bin files from `modelsDir` (default: the
 * installed @vladmandic/face-api's model folder; the page's `models/` in the browser) and
 * makes one tensor per weight. A tfjs backend must be initialised.
 * @throws PfeError MODEL_LOAD_FAILED naming the unreadable or malformed file
 */
export async function loadFaceApiWeights(name: FaceApiModelName, modelsDir: string = faceApiModelDir()): Promise<FaceApiWeights> {
  const weights = await loadWeightsManifest(faceApiFile(modelsDir, `${name}-weights_manifest.json`));
  const out = new Map<string, tf.Tensor>();
  for (const [key, w] of weights) out.set(key, tf.tensor(w.values, [...w.shape], 'float32'));
  return out;
}

/**
 * The tensor `name` of `weights` with exactly `shape`.
 * @throws PfeError MODEL_LOAD_FAILED naming the tensor when it is missing or shaped otherwise
 */
export function weightOfShape<R extends tf.Rank>(weights: FaceApiWeights, name: string, shape: readonly number[]): tf.Tensor<R> {
  const t = weights.get(name);
  if (t === undefined) throw new PfeError('MODEL_LOAD_FAILED', `face-api weights lack tensor ${name}`, { name });
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new PfeError('MODEL_LOAD_FAILED', `face-api tensor ${name} has shape [${t.shape.join(', ')}], expected [${shape.join(', ')}]`, { name });
  }
  return t as tf.Tensor<R>;
}

/** Frees every tensor of a weights map. */
export function disposeFaceApiWeights(weights: FaceApiWeights): void {
  for (const t of weights.values()) t.dispose();
}
