/**
 * Decoding of @vladmandic/face-api weight files, shared by the Node loader
 * (face-api-weights.ts) and its browser counterpart: a `<model>-weights_manifest.json`
 * (a tfjs weights manifest: groups of {paths, weights[{name, shape, dtype, quantization}]})
 * and its `.bin` shards. face-api ships every tensor uint8-quantised
 * (value = min + scale · byte); tfjs' decodeWeights undoes that. No I/O here.
 */
import * as tf from '@tensorflow/tfjs-core';
import { PfeError } from '../../core/errors.js';

/** A face-api model's tensors by their manifest name (e.g. 'conv1/depthwise_filter'), float32 after dequantisation. */
export type FaceApiWeights = ReadonlyMap<string, tf.Tensor>;

/** True when `value` looks like a tfjs weights manifest (an array of groups with `paths` and `weights`). */
export function isWeightsManifest(value: unknown): value is tf.io.WeightsManifestConfig {
  return (
    Array.isArray(value) &&
    value.every((g: unknown) => typeof g === 'object' && g !== null && Array.isArray((g as Record<string, unknown>)['paths']) && Array.isArray((g as Record<string, unknown>)['weights']))
  );
}

/** The shard file names of a manifest, in the order their bytes are concatenated. */
export function manifestShardPaths(manifest: tf.io.WeightsManifestConfig): string[] {
  return manifest.flatMap((g) => g.paths);
}

/**
 * Decodes a manifest's tensors from its shards (given in `manifestShardPaths` order).
 * @param source the manifest's file or URL, for error messages
 * @throws PfeError MODEL_LOAD_FAILED when the shards are shorter than the manifest says
 */
export function decodeFaceApiWeights(manifest: tf.io.WeightsManifestConfig, shards: readonly Uint8Array[], source: string): Map<string, tf.Tensor> {
  let total = 0;
  for (const s of shards) total += s.byteLength;
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const s of shards) {
    joined.set(s, offset);
    offset += s.byteLength;
  }
  let named: tf.NamedTensorMap;
  try {
    named = tf.io.decodeWeights(joined.buffer, tf.io.getWeightSpecs(manifest));
  } catch (e) {
    throw new PfeError('MODEL_LOAD_FAILED', `cannot decode the weights of ${source}: ${e instanceof Error ? e.message : String(e)}`, { path: source }, { cause: e });
  }
  return new Map(Object.entries(named));
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
