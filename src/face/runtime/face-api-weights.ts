/**
 * Loading @vladmandic/face-api 1.7.15 model weights from local files (Node): the
 * package's `model/` folder holds `<model>-weights_manifest.json` + `<model>.bin` per
 * network (weights only; the forward passes are ours, on tfjs-core ops).
 * The browser build swaps this module for src/browser/face-api-weights.ts (same exports, fetch).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PfeError } from '../../core/errors.js';
import { decodeFaceApiWeights, isWeightsManifest, manifestShardPaths, type FaceApiWeights } from './face-api-weights-decode.js';

export { disposeFaceApiWeights, weightOfShape, type FaceApiWeights } from './face-api-weights-decode.js';

/** The face-api networks whose weights this project reads. */
export type FaceApiModelName = 'tiny_face_detector_model' | 'face_landmark_68_model' | 'face_landmark_68_tiny_model' | 'ssd_mobilenetv1_model' | 'face_recognition_model';

/** `node_modules/@vladmandic/face-api/model`, found by module resolution (no network). */
export function defaultFaceApiModelsDir(): string {
  // The package's main is dist/face-api.node.js (resolved, not imported: it needs tfjs-node).
  const main = fileURLToPath(import.meta.resolve('@vladmandic/face-api'));
  return path.resolve(path.dirname(main), '..', 'model');
}

/**
 * Reads `<name>-weights_manifest.json` and its shards from `modelsDir` and dequantises
 * every tensor. A tfjs backend must be initialised; the caller disposes the tensors
 * (`disposeFaceApiWeights`).
 * @throws PfeError MODEL_LOAD_FAILED naming the unreadable or malformed file
 */
export async function loadFaceApiWeights(name: FaceApiModelName, modelsDir: string = defaultFaceApiModelsDir()): Promise<FaceApiWeights> {
  const manifestPath = path.join(modelsDir, `${name}-weights_manifest.json`);
  let manifest: unknown;
  try {
    manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
  } catch (e) {
    throw new PfeError('MODEL_LOAD_FAILED', `cannot read face-api manifest ${manifestPath}: ${e instanceof Error ? e.message : String(e)}`, { path: manifestPath }, { cause: e });
  }
  if (!isWeightsManifest(manifest)) throw new PfeError('MODEL_LOAD_FAILED', `${manifestPath} is not a tfjs weights manifest`, { path: manifestPath });
  const shards: Uint8Array[] = [];
  for (const shard of manifestShardPaths(manifest)) {
    const shardPath = path.join(modelsDir, shard);
    try {
      shards.push(await readFile(shardPath));
    } catch (e) {
      throw new PfeError('MODEL_LOAD_FAILED', `cannot read weight shard ${shardPath} of ${manifestPath}`, { path: shardPath }, { cause: e });
    }
  }
  return decodeFaceApiWeights(manifest, shards, manifestPath);
}
