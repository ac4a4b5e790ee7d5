/**
 * Browser counterpart of src/face/models/localModel.ts (swapped in at bundle time):
 * the same exports, but model.json and its weight shards are fetched over HTTP from
 * the page's own origin instead of read from disk.
 */
import type { GraphModel } from '@tensorflow/tfjs-converter';
import { PfeError } from '../core/errors.js';
import { artifactsFromShards, graphModelFromArtifacts, isModelJson, type LoadLocalGraphModelOptions, type LocalModelArtifacts } from '../face/models/model-artifacts.js';

export { memoryIOHandler, readScalarWeights, type LoadLocalGraphModelOptions, type LocalModelArtifacts } from '../face/models/model-artifacts.js';

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
  return artifactsFromShards(parsed, shards);
}

/** Loads a graph model from a model.json URL, optionally rewriting the JSON in memory first. */
export async function loadLocalGraphModel(jsonUrl: string, options: LoadLocalGraphModelOptions = {}): Promise<GraphModel> {
  return graphModelFromArtifacts(await readLocalModelArtifacts(jsonUrl), jsonUrl, options);
}
