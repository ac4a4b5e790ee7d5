/**
 * The library's browser entry point: the Node FaceEmbedder (unchanged; its file-system
 * parts are swapped for fetch/createImageBitmap counterparts at bundle time, see
 * src/browser-node/build-web.ts) plus the shipped uncertainty head.
 */
import { PfeError } from '../core/errors.js';
import { harmonicMeanKernel } from '../core/kernels/harmonic-mean.js';
import { alignFace } from '../face/align/align.js';
import { applyDegradeSteps, type DegradeStep } from '../face/degrade/steps.js';
import { decodeImage } from '../face/image/decode.js';
import { backendInUse, type BackendInfo, type BackendName } from '../face/models/runtime.js';
import { type EmbeddedFace, FaceEmbedder } from '../face/pipeline/face-embedder.js';
import type { FiveLandmarks, RgbImage } from '../face/types.js';
import { compareFaces, type Comparison, headInputOf } from '../head/compare-faces.js';
import { applyHead } from '../head/head-inference.js';
import type { UncertaintyHead } from '../head/head-model.js';
import { defaultHeadUrl, fetchHead } from './head-file.js';
import { HEAD_CALIBRATION_FILE_NAME, loadVerdictPolicies, type VerdictPolicies } from './verdict.js';
import type { Comparison as Decision } from '../service/decision.js';
import type { GaussianEmbedding } from '../core/embedding.js';

export { type Comparison } from '../head/compare-faces.js';
export { fetchHead } from './head-file.js';

/** One face embedded in the browser, under the head. */
export interface BrowserFace {
  /** The backbone's output (raw mu, pooled features, landmarks, detector facts). */
  readonly embedded: EmbeddedFace;
  /** mu centred by the head's training mean, length D. */
  readonly mu: Float32Array;
  /** The head's σ², length D. */
  readonly sigmaSq: Float32Array;
  /** Harmonic-mean σ² (lower = more confident). */
  readonly confidence: number;
  readonly landmarks: FiveLandmarks;
  /** The aligned crop the backbone saw. */
  readonly aligned: RgbImage;
  /** The photo as analysed (decoded, degraded when asked), in which `landmarks` and the detector box lie. */
  readonly image: RgbImage;
  /** mu and σ² as one Gaussian embedding (views of the arrays above). */
  readonly gaussian: GaussianEmbedding;
}

/** Options of `BrowserPfe.load`. */
export interface BrowserPfeOptions {
  /** tfjs backend (default 'wasm', falls back to 'cpu'). */
  readonly backend?: BackendName;
  /** URL of the .pfehead (default: models/pfe-head-faceres.pfehead next to the page). */
  readonly headUrl?: string;
  /** URL of the calibration made with that head (default: models/calibration-pfe-head-faceres.json next to the page). */
  readonly calibrationUrl?: string;
}

/** Face embedding with uncertainty in the browser: the same chain and numbers as in Node. */
export class BrowserPfe {
  readonly embedder: FaceEmbedder;
  readonly head: UncertaintyHead;
  /** The calibrated decisions (MLS and cosine) at the service's default target FAR, and the quality gate. */
  readonly verdicts: VerdictPolicies;

  private constructor(embedder: FaceEmbedder, head: UncertaintyHead, verdicts: VerdictPolicies) {
    this.embedder = embedder;
    this.head = head;
    this.verdicts = verdicts;
  }

  /** Loads the backend, the backbone, the detector and the head (all from the page's own origin; nothing is fetched later). */
  static async load(options: BrowserPfeOptions = {}): Promise<BrowserPfe> {
    const headUrl = options.headUrl ?? defaultHeadUrl();
    const head = await fetchHead(headUrl);
    const verdicts = await loadVerdictPolicies(headUrl, options.calibrationUrl ?? new URL(`models/${HEAD_CALIBRATION_FILE_NAME}`, document.baseURI).href);
    const embedder = await FaceEmbedder.load({ backend: options.backend ?? 'wasm' });
    await embedder.loadDetector();
    return new BrowserPfe(embedder, head, verdicts);
  }

  /** The tfjs backend in use. */
  backend(): BackendInfo | undefined {
    return backendInUse();
  }

  /**
   * Embeds one encoded image (JPEG/PNG/WebP bytes): (degrade,) detect, align, backbone, head.
   * @param degrade degradations applied after decoding, as `EmbedRequest.degrade` (blur, scale, noise; seed 0)
   * @throws PfeError with the embedder's code (NO_FACE, IMAGE_DECODE_FAILED, ...)
   */
  async embed(bytes: Uint8Array, label = 'image', degrade: readonly DegradeStep[] = []): Promise<BrowserFace> {
    const [r] = await this.embedder.embedBatch([{ path: label, bytes, degrade, seed: 0 }]);
    if (r === undefined) throw new PfeError('EMPTY_INPUT', 'the embedder returned no result');
    if (r.status === 'failed') throw new PfeError(r.code, `${label}: ${r.reason}`, { path: label, reason: r.reason });
    const d = this.head.architecture.muDim;
    const e = applyHead(this.head, r.mu, headInputOf(r, this.head.architecture.inputKind));
    // Re-decoding for the crop keeps FaceEmbedder unchanged; the bytes are already in memory.
    const image = degrade.length > 0 ? await applyDegradeSteps(await decodeImage(bytes), degrade, 0) : await decodeImage(bytes);
    const aligned = alignFace(image, r.landmarks, this.embedder.backbone.inputSize).image;
    return {
      embedded: r,
      mu: e.mu,
      sigmaSq: e.sigmaSq,
      confidence: harmonicMeanKernel(e.sigmaSq, 0, d),
      landmarks: r.landmarks,
      aligned,
      image,
      gaussian: { dim: d, mu: e.mu, sigmaSq: e.sigmaSq },
    };
  }

  /** Cosine (centred and raw), MLS and both confidences, as `pfe compare` computes them. */
  compare(a: BrowserFace, b: BrowserFace): Comparison {
    return compareFaces(this.head, a.embedded, b.embedded);
  }

  /** The calibrated PFE verdict on a comparison: estimated FAR of its MLS and match at the target FAR. */
  decide(c: Comparison): Decision {
    return this.verdicts.mls.decide(c.cosine, c.mls);
  }

  /** The baseline's verdict on the same comparison: estimated FAR of its centred cosine and match at the target FAR. */
  decideOnCosine(c: Comparison): Decision {
    return this.verdicts.cosine.decide(c.cosine, c.mls);
  }
}
