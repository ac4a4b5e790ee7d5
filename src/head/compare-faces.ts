/**
 * Comparing two embedded faces under an uncertainty head: cosine (centred and raw),
 * MLS and each face's uncertainty. Pure (tfjs-core ops only), so Node's `pfe compare`
 * and the browser build share it.
 */
import { cosineSimilarity } from '../core/cosine.js';
import type { GaussianEmbedding } from '../core/embedding.js';
import { PfeError } from '../core/errors.js';
import { mutualLikelihoodScore } from '../core/mls.js';
import { uncertaintyScore } from '../core/uncertainty.js';
import type { EmbeddedFace } from '../face/pipeline/face-embedder.js';
import { applyHead } from './head-inference.js';
import type { HeadInputKind, UncertaintyHead } from './head-model.js';

/** The parts of an embedded face a head reads. */
export type HeadInputs = Pick<EmbeddedFace, 'mu' | 'pooledGlobal' | 'pooledGrid2x2'>;

/** The head's input row of an embedded face. */
export function headInputOf(face: HeadInputs, kind: HeadInputKind): Float32Array {
  return kind === 'mu' ? face.mu : kind === 'pooled_global' ? face.pooledGlobal : face.pooledGrid2x2;
}

/** One face's Gaussian under a head: mu centred by the head's training mean, and σ², length D each. */
export function headGaussian(head: UncertaintyHead, face: HeadInputs): GaussianEmbedding {
  const e = applyHead(head, face.mu, headInputOf(face, head.architecture.inputKind));
  return { dim: e.dim, mu: e.mu, sigmaSq: e.sigmaSq };
}

/** What `pfe compare` reports. */
export interface Comparison {
  readonly cosine: number;
  readonly rawCosine: number;
  /** Paper form, nats. */
  readonly mls: number;
  /** Uncertainty of a: harmonic-mean σ² (lower = more certain). */
  readonly uncertaintyA: number;
  /** Uncertainty of b. */
  readonly uncertaintyB: number;
  /** @deprecated the same value as `uncertaintyA` (its old name); removed in the next release. */
  readonly confidenceA: number;
  /** @deprecated the same value as `uncertaintyB` (its old name); removed in the next release. */
  readonly confidenceB: number;
}

/** Compares two embedded faces under a head. */
export function compareFaces(head: UncertaintyHead, a: HeadInputs, b: HeadInputs): Comparison {
  const kind = head.architecture.inputKind;
  const d = head.architecture.muDim;
  if (a.mu.length !== d) throw new PfeError('DIMENSION_MISMATCH', `the backbone gives ${a.mu.length}-dimensional mu, the head expects ${d}`);
  const mu = new Float32Array(2 * d);
  mu.set(a.mu, 0);
  mu.set(b.mu, d);
  const fa = headInputOf(a, kind);
  const feats = new Float32Array(2 * fa.length);
  feats.set(fa, 0);
  feats.set(headInputOf(b, kind), fa.length);
  const e = applyHead(head, mu, feats);
  const ea = { dim: d, mu: e.mu.subarray(0, d), sigmaSq: e.sigmaSq.subarray(0, d) };
  const eb = { dim: d, mu: e.mu.subarray(d), sigmaSq: e.sigmaSq.subarray(d) };
  const uncertaintyA = uncertaintyScore(ea);
  const uncertaintyB = uncertaintyScore(eb);
  return {
    cosine: cosineSimilarity(ea, eb),
    rawCosine: cosineSimilarity({ dim: d, mu: a.mu }, { dim: d, mu: b.mu }),
    mls: mutualLikelihoodScore(ea, eb),
    uncertaintyA,
    uncertaintyB,
    confidenceA: uncertaintyA,
    confidenceB: uncertaintyB,
  };
}
