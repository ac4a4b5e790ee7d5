/**
 * Loaders of the opt-in backbones, whose weights are installed per machine and never ship
 * with the package or the page (the browser build swaps this module for one that refuses
 * them: src/browser/opt-in-backbones.ts).
 */
import type { Backbone } from './backbone.js';
import { loadMobileFaceNet, mobileFaceNetModelInDir } from './mobilefacenet.js';

/**
 * Loads MobileFaceNet (research use only) from `npm run models:mobilefacenet`'s folder, or
 * from `modelsDir` when given.
 * @throws PfeError MODEL_LOAD_FAILED naming the install script when the files are absent
 */
export function loadOptInMobileFaceNet(modelsDir: string | undefined, batchSize: number | undefined): Promise<Backbone> {
  return loadMobileFaceNet({ ...(batchSize === undefined ? {} : { batchSize }), ...(modelsDir === undefined ? {} : { modelPath: mobileFaceNetModelInDir(modelsDir) }) });
}
