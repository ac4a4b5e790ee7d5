/**
 * Loading FacePfe in Node: the backbone and detector from @vladmandic/human's model
 * folder, the head and its calibration from files (by default the ones shipped in
 * models/). The browser's counterpart is loadBrowserFacePfe (src/browser/browser-pfe.ts).
 */
import { calibrationFileForHead, loadCalibrationFile } from '../verify/calibration-file.js';
import { DEFAULT_TARGET_FAR } from '../verify/decision-defaults.js';
import { loadHeadBinding } from '../head/head-binding.js';
import type { BackendName } from '../face/runtime/tfjs-runtime.js';
import { FaceEmbedder } from '../face/pipeline/face-embedder.js';
import { defaultHeadPath } from '../head/model-file.js';
import { resolveBackbone } from '../face/backbone/names.js';
import { FacePfe } from './face-pfe.js';
import { verdictPolicies } from './verdicts.js';

/** Options of `loadFacePfe`. */
export interface LoadFacePfeOptions {
  /** The face-recognition backbone (default: the head's, else DEFAULT_BACKBONE); must match the head's. */
  readonly backbone?: string;
  /** The .pfehead file (default: models/pfe-head-<backbone>.pfehead, shipped with the package). */
  readonly headFile?: string;
  /** The calibration made with that head (default: calibration-<head name>.json beside it). */
  readonly calibrationFile?: string;
  /** Target FAR of the verdicts (default DEFAULT_TARGET_FAR, 1e-3, as the service). */
  readonly targetFar?: number;
  /** tfjs backend (default 'wasm', falls back to 'cpu'). */
  readonly backend?: BackendName;
  /** One folder with every model file under its package file name (default: each from its package). */
  readonly modelsDir?: string;
}

/**
 * Loads the backend, backbone, detector, head and calibration; everything from local files.
 * The backbone is the head's (a head trained on another backbone than `backbone` is refused).
 * @throws PfeError IO_ERROR, INVALID_FORMAT (e.g. a calibration made with another head),
 *   UNSUPPORTED_FORMAT, MODEL_LOAD_FAILED, DIMENSION_MISMATCH, BACKBONE_MISMATCH
 */
export async function loadFacePfe(options: LoadFacePfeOptions = {}): Promise<FacePfe> {
  const headFile = options.headFile ?? defaultHeadPath(resolveBackbone(options.backbone));
  const calibrationFile = options.calibrationFile ?? calibrationFileForHead(headFile);
  const binding = await loadHeadBinding(headFile);
  const backbone = resolveBackbone(options.backbone, { backbone: binding.head.backbone, what: `head ${headFile}` });
  const verdicts = verdictPolicies(await loadCalibrationFile(calibrationFile), binding.identity.sha256, calibrationFile, options.targetFar ?? DEFAULT_TARGET_FAR);
  const embedder = await FaceEmbedder.load({ backbone, backend: options.backend ?? 'wasm', ...(options.modelsDir === undefined ? {} : { modelsDir: options.modelsDir }) });
  try {
    await embedder.loadDetector();
    return new FacePfe(embedder, binding.head, verdicts);
  } catch (e) {
    embedder.dispose();
    throw e;
  }
}
