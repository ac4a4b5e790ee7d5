/**
 * A subject's template: the PFE fusion of its faces (src/core/fusion.ts, rule 'min' by
 * default: precision-weighted mean of mu, L2-normalised, σ̂² = min σ²). Without an
 * uncertainty head there is no σ²: the faces are then fused with equal weights (unit σ²,
 * which makes the same rule the normalised plain mean) and the template has no σ².
 */
import { fuseEmbeddings, type FusionRule } from '../core/fusion.js';

/** One stored face's embedding. */
export interface FaceEmbeddingRow {
  /** D values. */
  readonly mu: Float32Array;
  /** D values, or null without a head. */
  readonly sigmaSq: Float32Array | null;
}

/** A fused template (same shape as a face). */
export type SubjectTemplate = FaceEmbeddingRow;

/**
 * Fuses a subject's faces (at least one, all of dimension D, all with σ² or all without).
 * @throws PfeError EMPTY_INPUT, DIMENSION_MISMATCH, NON_FINITE, NON_POSITIVE_VARIANCE
 */
export function fuseTemplate(faces: readonly FaceEmbeddingRow[], rule: FusionRule): SubjectTemplate {
  const dim = faces[0]?.mu.length ?? 0;
  const withSigma = faces.length > 0 && faces.every((f) => f.sigmaSq !== null);
  const mu = new Float32Array(faces.length * dim);
  const sigmaSq = new Float32Array(faces.length * dim).fill(1);
  faces.forEach((f, i) => {
    mu.set(f.mu, i * dim);
    if (withSigma) sigmaSq.set(f.sigmaSq!, i * dim);
  });
  const fused = fuseEmbeddings({ count: faces.length, dim, mu, sigmaSq }, withSigma ? rule : 'min');
  return { mu: fused.mu, sigmaSq: withSigma ? fused.sigmaSq : null };
}
