/**
 * Loads the face-recognition backbones this package ships by name (`--backbone`, the
 * service's and FacePfe's options). Each owns its crop geometry and input normalisation;
 * embedding folders, caches, heads and calibrations record the name they were made with
 * (names.ts).
 */
import type { Backbone } from './backbone.js';
import { loadFaceres } from './faceres.js';
import { bundledModelPath } from '#platform/model-paths';
import { loadDlibResnet } from './dlib-resnet.js';
import { loadOptInMobileFaceNet } from '#platform/opt-in-backbones';
import { type BackboneName, parseBackboneName } from './names.js';

export * from './names.js';

/** Options of `loadBackbone`. */
export interface LoadBackboneOptions {
  /**
   * One folder holding the model files under their package file names (as the browser
   * build lays them out); default: each file from its own package in node_modules.
   */
  readonly modelsDir?: string;
  /** Default faces per inference call. */
  readonly batchSize?: number;
}

/**
 * Loads a shipped backbone (a tfjs backend must be initialised, see `initBackend`).
 * @throws PfeError INVALID_ARGUMENT (unknown name), MODEL_LOAD_FAILED
 */
export async function loadBackbone(name: BackboneName, options: LoadBackboneOptions = {}): Promise<Backbone> {
  const batch = options.batchSize === undefined ? {} : { batchSize: options.batchSize };
  switch (parseBackboneName(name)) {
    case 'dlib':
      return loadDlibResnet({ ...batch, ...(options.modelsDir === undefined ? {} : { modelDir: options.modelsDir }) });
    case 'mobilefacenet':
      return loadOptInMobileFaceNet(options.modelsDir, options.batchSize);
    case 'faceres':
      return loadFaceres({ ...batch, ...(options.modelsDir === undefined ? {} : { modelPath: bundledModelPath('faceres', options.modelsDir) }) });
  }
}
