/**
 * The whole PFE chain behind one object, with the same API in Node and in the browser:
 * photo bytes → detection, alignment, backbone, uncertainty head → a Gaussian face;
 * two faces → cosine, MLS and calibrated verdicts; several faces → one fused template.
 * Platform-neutral: the loaders differ (src/face-pfe/load.ts reads files,
 * src/browser/browser-pfe.ts fetches URLs), the object they return is this one.
 */
import type { GaussianEmbedding } from '../core/embedding.js';
import { PfeError } from '../core/errors.js';
import type { FusionRule } from '../core/fusion.js';
import { uncertaintyScore } from '../core/uncertainty.js';
import { type FusedGallery, fuseGallery, type PairScores, scorePair } from './gallery-fusion.js';
import type { DegradeStep } from '../face/degrade/steps.js';
import { backendInUse, type BackendInfo } from '#platform/tfjs-runtime';
import type { EmbeddedFace, FaceEmbedder } from '../face/pipeline/face-embedder.js';
import type { FiveLandmarks, RgbImage } from '../face/types.js';
import { compareFaces, type Comparison, headGaussian } from '../head/compare-faces.js';
import type { UncertaintyHead } from '../head/head-model.js';
import { assertSameBackbone } from '../face/backbone/names.js';
import type { Decision } from '../verify/decision.js';
import type { VerdictPolicies } from './verdicts.js';

export type { Comparison } from '../head/compare-faces.js';
export type { Decision } from '../verify/decision.js';

/** One face embedded under the head. */
export interface PfeFace {
  /** The backbone's output (raw mu, pooled features, landmarks, detector facts). */
  readonly embedded: EmbeddedFace;
  /** mu centred by the head's training mean and L2-normalised, length D. */
  readonly mu: Float32Array;
  /** The head's σ², length D. */
  readonly sigmaSq: Float32Array;
  /** mu and σ² as one Gaussian embedding (views of the arrays above), for the scoring core. */
  readonly gaussian: GaussianEmbedding;
  /** Uncertainty: harmonic-mean σ² (lower = more certain; the paper's risk-control measure). */
  readonly uncertainty: number;
  /** @deprecated the same value as `uncertainty` (its old name); removed in the next release. */
  readonly confidence: number;
  readonly landmarks: FiveLandmarks;
  /** The aligned crop the backbone saw. */
  readonly aligned: RgbImage;
  /** The photo as analysed (decoded, degraded when asked): `landmarks` and the detector box lie in it. */
  readonly image: RgbImage;
}

/** Face embedding with uncertainty, comparison and calibrated verdicts. */
export class FacePfe {
  readonly embedder: FaceEmbedder;
  readonly head: UncertaintyHead;
  /** The calibrated decisions (MLS and cosine) and the quality gate. */
  readonly verdicts: VerdictPolicies;

  /** Use a loader (`loadFacePfe` in Node, `loadBrowserFacePfe` in a page) rather than this. */
  constructor(embedder: FaceEmbedder, head: UncertaintyHead, verdicts: VerdictPolicies) {
    assertSameBackbone({ backbone: embedder.backbone.name, what: 'the loaded backbone' }, { backbone: head.backbone, what: 'the uncertainty head' });
    if (head.architecture.muDim !== embedder.backbone.embeddingDim) {
      throw new PfeError('DIMENSION_MISMATCH', `the head expects D = ${head.architecture.muDim}, the backbone gives ${embedder.backbone.embeddingDim}`);
    }
    this.embedder = embedder;
    this.head = head;
    this.verdicts = verdicts;
  }

  /** The tfjs backend in use. */
  backend(): BackendInfo | undefined {
    return backendInUse();
  }

  /**
   * Embeds one encoded photo (JPEG/PNG/WebP bytes): (degrade,) detect, align, backbone, head.
   * @param label names the photo in messages
   * @param degrade degradations applied after decoding (blur, scale, noise; seed 0), as `pfe degrade`
   * @throws PfeError with the embedder's code: NO_FACE, IMAGE_DECODE_FAILED, UNSUPPORTED_FORMAT, IMAGE_TOO_LARGE, ...
   */
  async embed(bytes: Uint8Array, label = 'image', degrade: readonly DegradeStep[] = []): Promise<PfeFace> {
    const viewed = await this.embedder.embedViewed({ path: label, bytes, degrade, seed: 0 });
    if (viewed.status === 'failed') throw new PfeError(viewed.code, `${label}: ${viewed.reason}`, { path: label, reason: viewed.reason });
    const { image, aligned, ...r } = viewed;
    const gaussian = headGaussian(this.head, r);
    const uncertainty = uncertaintyScore(gaussian);
    return {
      embedded: r,
      mu: gaussian.mu,
      sigmaSq: gaussian.sigmaSq,
      gaussian,
      uncertainty,
      confidence: uncertainty,
      landmarks: r.landmarks,
      aligned,
      image,
    };
  }

  /** Cosine (centred and raw), MLS and both uncertainties, as `pfe compare` computes them. */
  compare(a: PfeFace, b: PfeFace): Comparison {
    return compareFaces(this.head, a.embedded, b.embedded);
  }

  /** The PFE verdict: the estimated FAR of the pair's MLS and whether it is accepted at the target FAR. */
  decide(c: Comparison): Decision {
    return this.verdicts.mls.decide(c.cosine, c.mls, [c.uncertaintyA, c.uncertaintyB]);
  }

  /** The baseline's verdict on the same pair: the estimated FAR of its centred cosine. */
  decideOnCosine(c: Comparison): Decision {
    return this.verdicts.cosine.decide(c.cosine, c.mls, [c.uncertaintyA, c.uncertaintyB]);
  }

  /** True when the service's quality gate would refuse the face as too uncertain (false without a gate in the calibration). */
  refusedByGate(face: PfeFace): boolean {
    return this.verdicts.uncertaintyGate !== undefined && face.uncertainty > this.verdicts.uncertaintyGate;
  }

  /**
   * Fuses faces of one person into one template ('min': the reference code's and the service's rule).
   * @throws PfeError EMPTY_INPUT
   */
  fuse(faces: readonly PfeFace[], rule: FusionRule = 'min'): FusedGallery {
    return fuseGallery(
      faces.map((f) => f.gaussian),
      rule,
    );
  }

  /** Cosine and MLS of any two Gaussian embeddings of this head (faces or fused templates). */
  score(a: GaussianEmbedding, b: GaussianEmbedding): PairScores {
    return scorePair(a, b);
  }

  /** Frees the models' memory. */
  dispose(): void {
    this.embedder.dispose();
  }
}
