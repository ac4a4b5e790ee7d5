/**
 * The scoring methods compared in the evaluations, as ValidPairScorers over an image table:
 * cosine on raw mu, cosine on centred mu (a training mean subtracted, rows re-normalised),
 * and the Gaussian scores (MLS and its two ablation halves) from a per-fold Gaussian source.
 */
import { cosinePairs } from '../core/cosine.js';
import type { GaussianBatch } from '../core/embedding.js';
import { PfeError } from '../core/errors.js';
import { penaltyOnlyPairs, weightingOnlyPairs } from '../core/mls-ablation.js';
import { mlsPairs } from '../core/mls.js';
import { centreMu, columnMeans } from '../head/feature-normalisation.js';
import type { ValidPairScorer } from './pair-verification.js';

/** K images' L2-normalised mu, K×D row-major (rows of failed images may be zero). */
export interface MuTable {
  readonly count: number;
  readonly dim: number;
  readonly mu: Float32Array;
}

/** Cosine on raw mu. */
export function cosineScorer(table: MuTable): ValidPairScorer {
  return (a, b) => cosinePairs(table, table, a, b);
}

/**
 * The centring mean for each held-out fold: the mean of the valid images' mu that no pair
 * of that fold uses (with `heldOut` undefined: of all valid images).
 * @param failed K flags; usedByFold K×F flags from imagesUsedByFold (empty without folds)
 */
export function foldExcludedMean(table: MuTable, failed: Uint8Array, usedByFold: Uint8Array, foldCount: number): (heldOut: number | undefined) => Float32Array {
  return (heldOut) => {
    const rows: number[] = [];
    for (let i = 0; i < table.count; i++) {
      if (failed[i] === 1) continue;
      if (heldOut !== undefined && usedByFold[i * foldCount + heldOut] === 1) continue;
      rows.push(i);
    }
    if (rows.length === 0) throw new PfeError('EMPTY_INPUT', `no valid image outside fold ${heldOut} to compute a centring mean from`);
    return columnMeans(table.mu, table.dim, rows);
  };
}

/** Cosine on mu minus `meanFor(fold)`, re-normalised (the strong simple baseline). */
export function centredCosineScorer(table: MuTable, meanFor: (heldOut: number | undefined) => Float32Array): ValidPairScorer {
  return (a, b, heldOut) => {
    const centred = { count: table.count, dim: table.dim, mu: centreMu(table.mu, table.dim, meanFor(heldOut)) };
    return cosinePairs(centred, centred, a, b);
  };
}

/**
 * Gaussian embeddings of all K images by the model that never saw `heldOut` (undefined:
 * the one model of a fold-less evaluation). Rows of failed images must still hold finite
 * values and positive variances (they are never scored).
 */
export type GaussianSource = (heldOut: number | undefined) => GaussianBatch;

/** Caches a GaussianSource per fold (a head is applied once per fold, not once per method). */
export function cachedGaussianSource(source: GaussianSource): GaussianSource {
  const cache = new Map<number | undefined, GaussianBatch>();
  return (heldOut) => {
    let g = cache.get(heldOut);
    if (g === undefined) {
      g = source(heldOut);
      cache.set(heldOut, g);
    }
    return g;
  };
}

/** Which score of two Gaussian embeddings a scorer computes. */
export type GaussianScoreKind = 'mls' | 'weighting-only' | 'penalty-only' | 'cosine';

/** A scorer on the Gaussian source: MLS (paper form), its ablation halves, or cosine on the source's mu. */
export function gaussianScorer(source: GaussianSource, kind: GaussianScoreKind): ValidPairScorer {
  return (a, b, heldOut) => {
    const g = source(heldOut);
    switch (kind) {
      case 'mls':
        return mlsPairs(g, g, a, b);
      case 'weighting-only':
        return weightingOnlyPairs(g, g, a, b);
      case 'penalty-only':
        return penaltyOnlyPairs(g, g, a, b);
      case 'cosine':
        return cosinePairs(g, g, a, b);
    }
  };
}
