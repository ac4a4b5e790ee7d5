/**
 * Browser counterpart of src/face/models/localModel.ts (swapped in at bundle time):
 * the same exports, but model.json and its weight shards are fetched over HTTP from
 * the page's own origin instead of read from disk.
 */
import * as tf from '@tensorflow/tfjs-core';
import { GraphModel } from '@tensorflow/tfjs-converter';
import { PfeError } from '../core/errors.js';

/** A parsed model.json plus its weights, as fetched. */
export interface LocalModelArtifacts {
  readonly json: tf.io.ModelJSON;
  readonly weightSpecs: tf.io.WeightsManifestEntry[];
  readonly weightData: ArrayBuffer;
}

/** Options of `loadLocalGraphModel`: an in-memory rewrite of the parsed JSON. */
export interface LoadLocalGraphModelOptions {
  readonly transform?: (artifacts: LocalModelArtifacts) => tf.io.ModelJSON;
}

function isModelJson(value: unknown): value is tf.io.ModelJSON {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v['modelTopology'] === 'object' && v['modelTopology'] !== null && Array.isArray(v['weightsManifest']);
}

async function fetchOk(url: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new PfeError('MODEL_LOAD_FAILED', `cannot fetch ${url}: ${e instanceof Error ? e.message : String(e)}`, { path: url }, { cause: e });
  }
  if (!res.ok) throw new PfeError('MODEL_LOAD_FAILED', `cannot fetch ${url}: HTTP ${res.status}`, { path: url });
  return res;
}

/** Fetches `model.json` at `jsonUrl` and every shard it lists (URLs relative to the JSON), concatenated in manifest order. */
export async function readLocalModelArtifacts(jsonUrl: string): Promise<LocalModelArtifacts> {
  const parsed: unknown = await (await fetchOk(jsonUrl)).json();
  if (!isModelJson(parsed)) throw new PfeError('MODEL_LOAD_FAILED', `${jsonUrl} is not a tfjs model.json (needs modelTopology and weightsManifest)`, { path: jsonUrl });
  const shards: Uint8Array[] = [];
  for (const group of parsed.weightsManifest) {
    for (const shard of group.paths) shards.push(new Uint8Array(await (await fetchOk(new URL(shard, jsonUrl).href)).arrayBuffer()));
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

/** An IOHandler over artifacts already in memory (as in localModel.ts). */
export function memoryIOHandler(json: tf.io.ModelJSON, weightSpecs: tf.io.WeightsManifestEntry[], weightData: ArrayBuffer): tf.io.IOHandler {
  return { load: () => tf.io.getModelArtifactsForJSON(json, async () => [weightSpecs, weightData]) };
}

/** Loads a graph model from a model.json URL, optionally rewriting the JSON in memory first. */
export async function loadLocalGraphModel(jsonUrl: string, options: LoadLocalGraphModelOptions = {}): Promise<GraphModel> {
  const artifacts = await readLocalModelArtifacts(jsonUrl);
  const json = options.transform ? options.transform(artifacts) : artifacts.json;
  const model = new GraphModel(memoryIOHandler(json, artifacts.weightSpecs, artifacts.weightData));
  try {
    await model.load();
  } catch (e) {
    throw new PfeError('MODEL_LOAD_FAILED', `cannot build graph model from ${jsonUrl}: ${e instanceof Error ? e.message : String(e)}`, { path: jsonUrl }, { cause: e });
  }
  return model;
}

/** Decodes the named scalar float weights, dequantising as tfjs does (as in localModel.ts). */
export function readScalarWeights(artifacts: LocalModelArtifacts, names: ReadonlySet<string>): Map<string, number> {
  const wanted = artifacts.weightSpecs.filter((s) => names.has(s.name));
  const result = new Map<string, number>();
  if (wanted.length === 0) return result;
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
