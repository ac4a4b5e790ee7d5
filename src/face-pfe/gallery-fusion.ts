/**
 * Several photos of one person fused into one Gaussian
 * template (fuseTemplate, src/verify/template.ts) and compared with a probe.
 */
import { cosineSimilarity } from '../core/cosine.js';
import type { GaussianEmbedding } from '../core/embedding.js';
import { PfeError } from '../core/errors.js';
import type { FusionRule } from '../core/fusion.js';
import { mutualLikelihoodScore } from '../core/mls.js';
import { uncertaintyScore } from '../core/uncertainty.js';
import { fuseTemplate } from '../verify/template.js';

/** A fused gallery. */
export interface FusedGallery {
  readonly template: GaussianEmbedding;
  /** Uncertainty of the template: harmonic-mean σ² (lower = more certain). */
  readonly uncertainty: number;
  /** @deprecated the same value as `uncertainty` (its old name); removed in the next release. */
  readonly confidence: number;
  /** Number of photos fused. */
  readonly count: number;
}

/** Cosine and MLS of two Gaussian embeddings. */
export interface PairScores {
  /** Cosine of the means. */
  readonly cosine: number;
  /** MLS, nats (paper form). */
  readonly mls: number;
}

/**
 * Fuses photos of one person with `rule` ('min' is the reference code's and the service's).
 * @throws PfeError EMPTY_INPUT (no photos), DIMENSION_MISMATCH, NON_FINITE, NON_POSITIVE_VARIANCE
 */
export function fuseGallery(faces: readonly GaussianEmbedding[], rule: FusionRule): FusedGallery {
  if (faces.length === 0) throw new PfeError('EMPTY_INPUT', 'the gallery has no photos to fuse');
  const fused = fuseTemplate(faces, rule);
  // Every face has σ², so the template has too (fuseTemplate drops σ² only when a face lacks it).
  if (fused.sigmaSq === null) throw new PfeError('INVALID_ARGUMENT', 'the fused template lost its σ²');
  const template: GaussianEmbedding = { dim: fused.mu.length, mu: fused.mu, sigmaSq: fused.sigmaSq };
  const uncertainty = uncertaintyScore(template);
  return { template, uncertainty, confidence: uncertainty, count: faces.length };
}

/** Cosine and MLS of `a` and `b`. @throws PfeError DIMENSION_MISMATCH, NON_FINITE, NON_POSITIVE_VARIANCE */
export function scorePair(a: GaussianEmbedding, b: GaussianEmbedding): PairScores {
  return { cosine: cosineSimilarity(a, b), mls: mutualLikelihoodScore(a, b) };
}
