/**
 * Browser counterpart of src/face/runtime/face-api-weights.ts (swapped in at bundle time):
 * the same exports, but the weights manifest and its shards are fetched from the page's
 * own origin (`models/` next to the page, where the site build copies them).
 */
import { PfeError } from '../core/errors.js';
import { decodeFaceApiWeights, isWeightsManifest, manifestShardPaths, type FaceApiWeights } from '../face/runtime/face-api-weights-decode.js';
import { fetchBytes } from './fetch-bytes.js';

export { disposeFaceApiWeights, weightOfShape, type FaceApiWeights } from '../face/runtime/face-api-weights-decode.js';

/** The face-api networks whose weights this project reads. */
export type FaceApiModelName = 'tiny_face_detector_model' | 'face_landmark_68_model' | 'face_landmark_68_tiny_model' | 'ssd_mobilenetv1_model' | 'face_recognition_model';

/** `models/` next to the page, as an absolute URL ending in '/'. */
export function defaultFaceApiModelsDir(): string {
  return new URL('models/', document.baseURI).href;
}

/** Fetches `<name>-weights_manifest.json` and its shards from `modelsDir` and dequantises every tensor. */
export async function loadFaceApiWeights(name: FaceApiModelName, modelsDir: string = defaultFaceApiModelsDir()): Promise<FaceApiWeights> {
  const base = modelsDir.endsWith('/') ? modelsDir : `${modelsDir}/`;
  const manifestUrl = new URL(`${name}-weights_manifest.json`, base).href;
  let manifest: unknown;
  try {
    manifest = JSON.parse(new TextDecoder().decode(await fetchBytes(manifestUrl, 'model file', 'MODEL_LOAD_FAILED')));
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
    throw new PfeError('MODEL_LOAD_FAILED', `${manifestUrl} is not valid JSON (${e.message})`, { path: manifestUrl }, { cause: e });
  }
  if (!isWeightsManifest(manifest)) throw new PfeError('MODEL_LOAD_FAILED', `${manifestUrl} is not a tfjs weights manifest`, { path: manifestUrl });
  const shards: Uint8Array[] = [];
  for (const shard of manifestShardPaths(manifest)) shards.push(await fetchBytes(new URL(shard, manifestUrl).href, 'model file', 'MODEL_LOAD_FAILED'));
  return decodeFaceApiWeights(manifest, shards, manifestUrl);
}
