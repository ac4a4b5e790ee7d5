/**
 * Loading FacePfe in Node: the backbone and detector from @vladmandic/human's model
 * folder, the head and its calibration from files (by default the ones shipped in
 * models/). The browser's counterpart is loadBrowserFacePfe (src/browser/browser-pfe.ts).
 */
import { calibrationFileForHead, loadCalibrationFile } from '../service/calibration-file.js';
import { DEFAULT_TARGET_FAR } from '../service/decision-defaults.js';
import { loadHeadBinding } from '../service/head-binding.js';
import type { BackendName } from '../face/models/runtime.js';
import { FaceEmbedder } from '../face/pipeline/face-embedder.js';
import { defaultHeadPath } from '../head/model-file.js';
import { FacePfe } from './face-pfe.js';
import { verdictPolicies } from './verdicts.js';

/** Options of `loadFacePfe`. */
export interface LoadFacePfeOptions {
  /** The .pfehead file (default: models/pfe-head-faceres.pfehead, shipped with the package). */
  readonly headFile?: string;
  /** The calibration made with that head (default: calibration-<head name>.json beside it). */
  readonly calibrationFile?: string;
  /** Target FAR of the verdicts (default DEFAULT_TARGET_FAR, 1e-3, as the service). */
  readonly targetFar?: number;
  /** tfjs backend (default 'wasm', falls back to 'cpu'). */
  readonly backend?: BackendName;
  /** Folder with the backbone and detector models (default: @vladmandic/human's). */
  readonly modelsDir?: string;
}

/**
 * Loads the backend, backbone, detector, head and calibration; everything from local files.
 * @throws PfeError IO_ERROR, INVALID_FORMAT (e.g. a calibration made with another head),
 *   UNSUPPORTED_FORMAT, MODEL_LOAD_FAILED, DIMENSION_MISMATCH
 */
export async function loadFacePfe(options: LoadFacePfeOptions = {}): Promise<FacePfe> {
  const headFile = options.headFile ?? defaultHeadPath();
  const calibrationFile = options.calibrationFile ?? calibrationFileForHead(headFile);
  const binding = await loadHeadBinding(headFile);
  const verdicts = verdictPolicies(await loadCalibrationFile(calibrationFile), binding.identity.sha256, calibrationFile, options.targetFar ?? DEFAULT_TARGET_FAR);
  const embedder = await FaceEmbedder.load({ backend: options.backend ?? 'wasm', ...(options.modelsDir === undefined ? {} : { modelsDir: options.modelsDir }) });
  try {
    await embedder.loadDetector();
    return new FacePfe(embedder, binding.head, verdicts);
  } catch (e) {
    embedder.dispose();
    throw e;
  }
}
