/**
 * Loading TensorFlow.js graph models from local files (model.json + weight shards)
 * without fetch or network, with an optional in-memory rewrite of the parsed JSON.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import { PfeError } from '../../core/errors.js';
import { artifactsFromShards, graphModelFromArtifacts, isModelJson, type LoadLocalGraphModelOptions, type LocalModelArtifacts } from './model-artifacts.js';

// The in-memory part is shared with the browser build (src/browser/local-model.ts).
export { memoryIOHandler, readScalarWeights, type LoadLocalGraphModelOptions, type LocalModelArtifacts } from './model-artifacts.js';

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
  return artifactsFromShards(parsed, shards);
}

/**
 * Loads a graph model from a local model.json (and its shards), optionally rewriting
 * the JSON in memory first. A tfjs backend must be initialised (see `initBackend`).
 */
export async function loadLocalGraphModel(jsonPath: string, options: LoadLocalGraphModelOptions = {}): Promise<GraphModel> {
  return graphModelFromArtifacts(await readLocalModelArtifacts(jsonPath), jsonPath, options);
}
