/**
 * Verification under a k-fold protocol where the model may differ per fold (a head or a
 * centring mean fitted without the held-out fold's people), as LFW View 2 "unrestricted".
 */
import { PfeError } from '../core/errors.js';
import { accuracyAtThreshold, bestThresholdAccuracy } from '../metrics/accuracy.js';
import { tarAtFar, type TarAtFarPoint } from '../metrics/far.js';

/** Scores of ALL pairs (length P) by the model fitted without `heldOutFold`. */
export type FoldScorer = (heldOutFold: number) => Float64Array;

/** The outcome of evaluateFoldedVerification. */
export interface FoldedVerification {
  /** Accuracy on each held-out fold. */
  readonly foldAccuracies: number[];
  /** Threshold chosen on the other folds, per fold. */
  readonly thresholds: number[];
  readonly meanAccuracy: number;
  /** Population standard deviation over folds. */
  readonly stdAccuracy: number;
  /** TAR at the requested FARs over the pooled held-out scores (each pair scored by its fold's model). */
  readonly tarAtFar: TarAtFarPoint[];
  /** The pooled held-out scores, length P. */
  readonly heldOutScores: Float64Array;
}

function select(values: Float64Array, labels: Uint8Array, folds: Int32Array, keep: (fold: number) => boolean): { s: Float64Array; l: Uint8Array } {
  let n = 0;
  for (let i = 0; i < folds.length; i++) if (keep(folds[i]!)) n++;
  const s = new Float64Array(n);
  const l = new Uint8Array(n);
  for (let i = 0, k = 0; i < folds.length; i++) {
    if (!keep(folds[i]!)) continue;
    s[k] = values[i]!;
    l[k++] = labels[i]!;
  }
  return { s, l };
}

/**
 * For each fold f: scores every pair with scorer(f), picks the accuracy-maximising
 * threshold on the pairs of the other folds (bestThresholdAccuracy, the reference's rule)
 * and measures accuracy on fold f. TAR@FAR is computed once on the pooled held-out scores.
 * @param labels P labels, 1 = genuine
 * @param folds P fold indices in 0..foldCount−1
 * @throws PfeError DIMENSION_MISMATCH when a scorer returns the wrong length
 */
export function evaluateFoldedVerification(labels: Uint8Array, folds: Int32Array, foldCount: number, scorer: FoldScorer, fars: readonly number[]): FoldedVerification {
  if (labels.length !== folds.length) throw new PfeError('DIMENSION_MISMATCH', `${labels.length} labels but ${folds.length} fold indices`);
  const heldOut = new Float64Array(labels.length);
  const foldAccuracies: number[] = [];
  const thresholds: number[] = [];
  for (let f = 0; f < foldCount; f++) {
    const scores = scorer(f);
    if (scores.length !== labels.length) throw new PfeError('DIMENSION_MISMATCH', `fold ${f} scorer returned ${scores.length} scores for ${labels.length} pairs`);
    const train = select(scores, labels, folds, (g) => g !== f);
    const test = select(scores, labels, folds, (g) => g === f);
    const { threshold } = bestThresholdAccuracy(train.s, train.l);
    thresholds.push(threshold);
    foldAccuracies.push(accuracyAtThreshold(test.s, test.l, threshold));
    for (let i = 0; i < folds.length; i++) if (folds[i] === f) heldOut[i] = scores[i]!;
  }
  const mean = foldAccuracies.reduce((a, b) => a + b, 0) / foldCount;
  const std = Math.sqrt(foldAccuracies.reduce((a, b) => a + (b - mean) ** 2, 0) / foldCount);
  return { foldAccuracies, thresholds, meanAccuracy: mean, stdAccuracy: std, tarAtFar: tarAtFar(heldOut, labels, fars), heldOutScores: heldOut };
}
