/**
 * Browser counterpart of src/face/runtime/local-model.ts (the bundle takes it through package.json `imports`, #platform/*):
 * the same exports, but model.json and its weight shards are fetched over HTTP from
 * the page's own origin instead of read from disk.
 */
import type { GraphModel } from '@tensorflow/tfjs-converter';
import { PfeError } from '../core/errors.js';
import { fetchBytes } from './fetch-bytes.js';
import { artifactsFromShards, graphModelFromArtifacts, isModelJson, type LoadLocalGraphModelOptions, type LocalModelArtifacts } from '../face/runtime/model-artifacts.js';

export { memoryIOHandler, readScalarWeights, type LoadLocalGraphModelOptions, type LocalModelArtifacts } from '../face/runtime/model-artifacts.js';

/** A model file's bytes; a failed fetch is MODEL_LOAD_FAILED, as a failed read is in Node. */
function fetchModelFile(url: string): Promise<Uint8Array> {
  return fetchBytes(url, 'model file', 'MODEL_LOAD_FAILED');
}

/** Fetches `model.json` at `jsonUrl` and every shard it lists (URLs relative to the JSON), concatenated in manifest order. */
export async function readLocalModelArtifacts(jsonUrl: string): Promise<LocalModelArtifacts> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(await fetchModelFile(jsonUrl)));
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
    throw new PfeError('MODEL_LOAD_FAILED', `${jsonUrl} is not valid JSON (${e.message})`, { path: jsonUrl }, { cause: e });
  }
  if (!isModelJson(parsed)) throw new PfeError('MODEL_LOAD_FAILED', `${jsonUrl} is not a tfjs model.json (needs modelTopology and weightsManifest)`, { path: jsonUrl });
  const shards: Uint8Array[] = [];
  for (const group of parsed.weightsManifest) {
    for (const shard of group.paths) shards.push(await fetchModelFile(new URL(shard, jsonUrl).href));
  }
  return artifactsFromShards(parsed, shards);
}

/** Loads a graph model from a model.json URL, optionally rewriting the JSON in memory first. */
export async function loadLocalGraphModel(jsonUrl: string, options: LoadLocalGraphModelOptions = {}): Promise<GraphModel> {
  return graphModelFromArtifacts(await readLocalModelArtifacts(jsonUrl), jsonUrl, options);
}
