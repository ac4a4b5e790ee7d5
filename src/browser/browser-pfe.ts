/**
 * Loading FacePfe in a browser page: the same object as Node's `loadFacePfe` gives
 * (src/face-pfe/face-pfe.ts), with the backbone, detector, head and calibration fetched
 * from the page's own origin. The Node FaceEmbedder is used unchanged: its file-system
 * parts are swapped for fetch/createImageBitmap counterparts at bundle time (see
 * src/browser-node/build-web.ts).
 */
import { FacePfe } from '../face-pfe/face-pfe.js';
import { resolveBackbone } from '../face/backbone/names.js';
import type { BackendName } from './runtime.js';
import { FaceEmbedder } from '../face/pipeline/face-embedder.js';
import { defaultHeadUrl, fetchHead } from './head-file.js';
import { defaultCalibrationUrl, fetchVerdictPolicies } from './verdict.js';

/** Options of `loadBrowserFacePfe`. */
export interface BrowserFacePfeOptions {
  /** tfjs backend (default 'wasm', falls back to 'cpu'). */
  readonly backend?: BackendName;
  /** URL of the .pfehead (default: the default backbone's shipped head in models/ next to the page); its backbone is loaded. */
  readonly headUrl?: string;
  /** URL of the calibration made with that head (default: models/calibration-<head name>.json next to the page). */
  readonly calibrationUrl?: string;
  /** Target FAR of the verdicts (default 1e-3, as the service). */
  readonly targetFar?: number;
}

/**
 * Loads the backend, the backbone, the detector, the head and its calibration, all from
 * the page's own origin; nothing is fetched afterwards, so the page then works offline.
 * @throws PfeError IO_ERROR, INVALID_FORMAT (e.g. a calibration made with another head), MODEL_LOAD_FAILED
 */
export async function loadBrowserFacePfe(options: BrowserFacePfeOptions = {}): Promise<FacePfe> {
  const { head, sha256 } = await fetchHead(options.headUrl ?? defaultHeadUrl());
  const verdicts = await fetchVerdictPolicies(options.calibrationUrl ?? defaultCalibrationUrl(), sha256, options.targetFar);
  // The head decides the backbone: its σ² belongs to that network's features.
  const backbone = resolveBackbone(undefined, { backbone: head.backbone, what: 'the uncertainty head' });
  const embedder = await FaceEmbedder.load({ backbone, backend: options.backend ?? 'wasm' });
  try {
    await embedder.loadDetector();
    return new FacePfe(embedder, head, verdicts);
  } catch (e) {
    embedder.dispose();
    throw e;
  }
}
