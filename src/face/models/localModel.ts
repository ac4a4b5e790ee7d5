/**
 * Loading TensorFlow.js graph models from local files (model.json + weight shards)
 * without fetch or network, with an optional in-memory rewrite of the parsed JSON.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { GraphModel } from '@tensorflow/tfjs-converter';
import { PfeError } from '../../core/errors.js';

/** A parsed model.json plus its weights, as read from disk. */
export interface LocalModelArtifacts {
  /** The parsed model.json (topology, weightsManifest, signature, modelInitializer, ...). */
  readonly json: tf.io.ModelJSON;
  /** Every weight entry of every manifest group, in file order. */
  readonly weightSpecs: tf.io.WeightsManifestEntry[];
  /** The concatenation of every shard of every group, in manifest order. */
  readonly weightData: ArrayBuffer;
}

/** Options of `loadLocalGraphModel`. */
export interface LoadLocalGraphModelOptions {
  /**
   * Rewrites the parsed model JSON before the graph is built (in memory; the file is
   * untouched). Gets the weights too, so a rewrite can check constant values.
   */
  readonly transform?: (artifacts: LocalModelArtifacts) => tf.io.ModelJSON;
}

function isModelJson(value: unknown): value is tf.io.ModelJSON {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v['modelTopology'] === 'object' && v['modelTopology'] !== null && Array.isArray(v['weightsManifest']);
}

/**
 * Reads `model.json` at `jsonPath` and every weight shard it lists (paths relative to
 * the JSON's folder; several groups and several paths per group are concatenated in
 * order, which is the layout tfjs expects). Throws MODEL_LOAD_FAILED naming the file.
 */
export async function readLocalModelArtifacts(jsonPath: string): Promise<LocalModelArtifacts> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(jsonPath, 'utf8'));
  } catch (e) {
    throw new PfeError('MODEL_LOAD_FAILED', `cannot read model JSON ${jsonPath}: ${e instanceof Error ? e.message : String(e)}`, { path: jsonPath }, { cause: e });
  }
  if (!isModelJson(parsed)) {
    throw new PfeError('MODEL_LOAD_FAILED', `${jsonPath} is not a tfjs model.json (needs modelTopology and weightsManifest)`, { path: jsonPath });
  }
  const dir = path.dirname(jsonPath);
  const shards: Uint8Array[] = [];
  for (const group of parsed.weightsManifest) {
    for (const shard of group.paths) {
      const shardPath = path.join(dir, shard);
      try {
        shards.push(await readFile(shardPath));
      } catch (e) {
        throw new PfeError('MODEL_LOAD_FAILED', `cannot read weight shard ${shardPath} of ${jsonPath}`, { path: shardPath }, { cause: e });
      }
    }
  }
  let total = 0;
  for (const s of shards) total += s.byteLength;
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const s of shards) {
    joined.set(s, offset);
    offset += s.byteLength;
  }
  return { json: parsed, weightSpecs: tf.io.getWeightSpecs(parsed.weightsManifest), weightData: joined.buffer };
}

/**
 * An IOHandler over artifacts already in memory. `getModelArtifactsForJSON` carries
 * every model.json field over (signature, modelInitializer, userDefinedMetadata, ...).
 */
export function memoryIOHandler(json: tf.io.ModelJSON, weightSpecs: tf.io.WeightsManifestEntry[], weightData: ArrayBuffer): tf.io.IOHandler {
  return {
    load: () => tf.io.getModelArtifactsForJSON(json, async () => [weightSpecs, weightData]),
  };
}

/**
 * Loads a graph model from a local model.json (and its shards), optionally rewriting
 * the JSON in memory first. A tfjs backend must be initialised (see `initBackend`).
 */
export async function loadLocalGraphModel(jsonPath: string, options: LoadLocalGraphModelOptions = {}): Promise<GraphModel> {
  const artifacts = await readLocalModelArtifacts(jsonPath);
  const json = options.transform ? options.transform(artifacts) : artifacts.json;
  const model = new GraphModel(memoryIOHandler(json, artifacts.weightSpecs, artifacts.weightData));
  try {
    await model.load();
  } catch (e) {
    throw new PfeError('MODEL_LOAD_FAILED', `cannot build graph model from ${jsonPath}: ${e instanceof Error ? e.message : String(e)}`, { path: jsonPath }, { cause: e });
  }
  return model;
}

/**
 * Decodes the named scalar (shape [] or [1]) float weights, dequantising as tfjs does.
 * Names that are absent or not scalars are missing from the result.
 */
export function readScalarWeights(artifacts: LocalModelArtifacts, names: ReadonlySet<string>): Map<string, number> {
  const wanted = artifacts.weightSpecs.filter((s) => names.has(s.name));
  const result = new Map<string, number>();
  if (wanted.length === 0) return result;
  // decodeWeights needs the byte offset of each spec, so decode the whole set and keep the scalars.
  const tensors = tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs);
  try {
    for (const spec of wanted) {
      const t = tensors[spec.name];
      if (t !== undefined && t.size === 1) result.set(spec.name, t.dataSync()[0]!);
    }
  } finally {
    tf.dispose(Object.values(tensors));
  }
  return result;
}
