/**
 * tfjs graph-model artifacts held in memory, whatever read them: the file reader in
 * local-model.ts (Node) or the fetching one in src/browser/local-model.ts (browser).
 * No I/O here, so both share it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { GraphModel } from '@tensorflow/tfjs-converter';
import { PfeError } from '../../core/errors.js';

/** A parsed model.json plus its weights. */
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

/** True when `value` has the two fields every tfjs model.json has. */
export function isModelJson(value: unknown): value is tf.io.ModelJSON {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v['modelTopology'] === 'object' && v['modelTopology'] !== null && Array.isArray(v['weightsManifest']);
}

/** Artifacts from a parsed model.json and its shards in manifest order (concatenated: the layout tfjs expects). */
export function artifactsFromShards(json: tf.io.ModelJSON, shards: readonly Uint8Array[]): LocalModelArtifacts {
  let total = 0;
  for (const s of shards) total += s.byteLength;
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const s of shards) {
    joined.set(s, offset);
    offset += s.byteLength;
  }
  return { json, weightSpecs: tf.io.getWeightSpecs(json.weightsManifest), weightData: joined.buffer };
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
 * Builds a graph model from artifacts, optionally rewriting the JSON first.
 * @param source the file or URL they came from, for the error message
 * @throws PfeError MODEL_LOAD_FAILED naming the source
 */
export async function graphModelFromArtifacts(artifacts: LocalModelArtifacts, source: string, options: LoadLocalGraphModelOptions = {}): Promise<GraphModel> {
  const json = options.transform ? options.transform(artifacts) : artifacts.json;
  const model = new GraphModel(memoryIOHandler(json, artifacts.weightSpecs, artifacts.weightData));
  try {
    await model.load();
  } catch (e) {
    throw new PfeError('MODEL_LOAD_FAILED', `cannot build graph model from ${source}: ${e instanceof Error ? e.message : String(e)}`, { path: source }, { cause: e });
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
