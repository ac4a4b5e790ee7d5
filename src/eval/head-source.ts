/**
 * A GaussianSource from uncertainty heads applied to an image table: one head per
 * held-out fold (trained without that fold's people) or one head for everything.
 * The caller must have initialised a tfjs backend (initBackend) before scoring.
 */
import type { GaussianBatch } from '../core/embedding.js';
import { PfeError } from '../core/errors.js';
import { centreMu } from '../head/feature-normalisation.js';
import { expandSigmaSq, predictCompactSigmaSq } from '../head/head-inference.js';
import type { UncertaintyHead } from '../head/head-model.js';
import type { ImageTable } from './image-table.js';
import type { GaussianSource } from './verification-methods.js';

/** The head input rows of a table for a head's input kind (K×C). */
export function headFeatures(head: UncertaintyHead, table: ImageTable): Float32Array {
  switch (head.architecture.inputKind) {
    case 'mu':
      return table.mu;
    case 'pooled_global':
      return table.pooledGlobal;
    case 'pooled_grid2x2':
      if (table.pooledGrid2x2 === undefined) throw new PfeError('INVALID_ARGUMENT', 'this head reads the 2×2 pooled conv map; load the image table with needGrid');
      return table.pooledGrid2x2;
  }
}

/** Which head scores a held-out fold: the same head for every fold, or one per fold. */
export type HeadChoice = { readonly kind: 'single'; readonly head: UncertaintyHead } | { readonly kind: 'per-fold'; readonly heads: readonly UncertaintyHead[] };

/**
 * The Gaussian embeddings of all table images by the head for each held-out fold: mu
 * centred with that head's training mean, σ² predicted from the head's input features.
 * The compact σ² (K values for a scalar head) is kept per fold; the K×D arrays are
 * rebuilt on each call, so memory stays at one fold's worth.
 */
export function headGaussianSource(choice: HeadChoice, table: ImageTable): GaussianSource {
  const compact = new Map<number | undefined, Float32Array>();
  const headFor = (heldOut: number | undefined): UncertaintyHead => {
    if (choice.kind === 'single') return choice.head;
    if (heldOut === undefined || choice.heads[heldOut] === undefined) throw new PfeError('INVALID_ARGUMENT', `no head for held-out fold ${String(heldOut)} (${choice.heads.length} per-fold heads)`);
    return choice.heads[heldOut]!;
  };
  const key = (heldOut: number | undefined): number | undefined => (choice.kind === 'single' ? undefined : heldOut);
  return (heldOut): GaussianBatch => {
    const head = headFor(heldOut);
    if (head.architecture.muDim !== table.dim) throw new PfeError('DIMENSION_MISMATCH', `the head expects D = ${head.architecture.muDim}, the images have D = ${table.dim}`);
    let s = compact.get(key(heldOut));
    if (s === undefined) {
      s = predictCompactSigmaSq(head, headFeatures(head, table));
      compact.set(key(heldOut), s);
    }
    return { count: table.count, dim: table.dim, mu: centreMu(table.mu, table.dim, head.weights.muMean), sigmaSq: expandSigmaSq(s, table.count, table.dim) };
  };
}

/**
 * Per-image uncertainty (harmonic mean of σ² over dimensions, the paper's confidence
 * measure; lower = more confident) of each image by the head of the fold it is tested in.
 * @param imageFold K folds (−1 or any fold for images outside every fold: the single head is used)
 */
export function heldOutUncertainty(source: GaussianSource, imageFold: Int32Array, foldCount: number): Float64Array {
  const k = imageFold.length;
  const out = new Float64Array(k);
  const folds: (number | undefined)[] = foldCount > 0 ? Array.from({ length: foldCount }, (_, f) => f) : [undefined];
  for (const f of folds) {
    const g = source(f);
    for (let i = 0; i < k; i++) {
      if (f !== undefined && imageFold[i] !== f) continue;
      let inv = 0;
      const o = i * g.dim;
      for (let l = 0; l < g.dim; l++) inv += 1 / g.sigmaSq[o + l]!;
      out[i] = g.dim / inv;
    }
  }
  return out;
}
