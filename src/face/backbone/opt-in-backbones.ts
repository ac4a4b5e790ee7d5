/**
 * Loaders of the opt-in backbones, whose weights are installed per machine and never ship
 * with the package or the page (the browser build takes one that refuses them instead:
 * src/browser/opt-in-backbones.ts, through #platform/opt-in-backbones).
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
