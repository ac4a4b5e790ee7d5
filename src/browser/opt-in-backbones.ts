/**
 * Browser counterpart of src/face/backbone/opt-in-backbones.ts (the bundle takes it through package.json `imports`, #platform/*):
 * MobileFaceNet is opt-in and research-only (weights trained on MS1M), installed per
 * machine by `npm run models:mobilefacenet`, so the page never ships it. Choosing it in a
 * page is a clear error instead of a fetch of files that are not there.
 */
import { PfeError } from '../core/errors.js';
import type { Backbone } from '../face/backbone/backbone.js';

/** Always fails: the browser build has no MobileFaceNet (same parameters as the Node loader). */
export async function loadOptInMobileFaceNet(_modelsDir: string | undefined, _batchSize: number | undefined): Promise<Backbone> {
  throw new PfeError('MODEL_LOAD_FAILED', 'the mobilefacenet backbone is opt-in and research-only: it is not part of the browser build (use dlib)');
}
