import { PfeError } from '../core/errors.js';
import { requireBothClasses, splitSortedByClass, validatePairs } from './validate.js';
import type { PairLabels, ScoreArray } from './validate.js';

/** Verification accuracy and the threshold that gave it. */
export interface ThresholdAccuracy {
  /** Fraction of pairs classified correctly with accept = score ≥ threshold. */
  readonly accuracy: number;
  readonly threshold: number;
}

/** Result of a k-fold (LFW-style) accuracy evaluation. */
export interface KFoldAccuracy {
  /** Accuracy on each held-out fold, length k. */
  readonly foldAccuracies: Float64Array;
  /** Threshold chosen on the other k−1 folds for each fold, length k. */
  readonly thresholds: Float64Array;
  /** Mean of foldAccuracies. */
  readonly mean: number;
  /** Population standard deviation (divide by k, numpy's default) of foldAccuracies. */
  readonly std: number;
}

/**
 * Accuracy at a given threshold: fraction of pairs with (score ≥ threshold) === genuine.
 * @param scores N similarity scores; labels N labels (1/true = genuine).
 * @throws PfeError DIMENSION_MISMATCH, EMPTY_INPUT, NON_FINITE, INVALID_ARGUMENT
 */
export function accuracyAtThreshold(scores: ScoreArray, labels: PairLabels, threshold: number): number {
  validatePairs(scores, labels);
  if (!Number.isFinite(threshold)) throw new PfeError('NON_FINITE', `threshold is ${threshold}; it must be finite`, { threshold });
  let correct = 0;
  for (let i = 0; i < scores.length; i++) {
    if ((scores[i]! >= threshold) === Boolean(labels[i])) correct++;
  }
  return correct / scores.length;
}

/**
 * Best-threshold accuracy with the semantics of the PFE reference `accuracy(score, label)`
 * (evaluation/metrics.py), which the LFW protocol uses on the training folds:
 * - candidate thresholds = every genuine score (sorted, duplicates kept);
 * - accuracy at t counts score ≥ t as "same person";
 * - the returned threshold is the mean of all candidates reaching the best accuracy, each
 *   duplicate counted again. That mean need not itself reach the best accuracy when the best
 *   candidates are not contiguous; this is what the reference does.
 * Counts are compared as integers, so equal accuracies are found exactly.
 * @param scores N similarity scores; labels N labels (1/true = genuine).
 * @throws PfeError DIMENSION_MISMATCH, EMPTY_INPUT (no genuine or no impostor), NON_FINITE, INVALID_ARGUMENT
 */
export function bestThresholdAccuracy(scores: ScoreArray, labels: PairLabels): ThresholdAccuracy {
  const counts = validatePairs(scores, labels);
  requireBothClasses(counts, 'bestThresholdAccuracy');
  const { genuine, impostor } = splitSortedByClass(scores, labels, counts);
  return bestThresholdSorted(genuine, impostor);
}

/** Reference best-threshold search on ascending genuine (non-empty) and impostor scores. */
function bestThresholdSorted(genuine: Float64Array, impostor: Float64Array): ThresholdAccuracy {
  const nG = genuine.length;
  const nI = impostor.length;
  let bestCorrect = -1;
  let sumBest = 0; // sum of the best candidate thresholds, with multiplicity
  let numBest = 0;
  let g = 0; // genuine[0..g) < v
  let m = 0; // impostor[0..m) < v
  while (g < nG) {
    const v = genuine[g]!;
    while (m < nI && impostor[m]! < v) m++;
    let multiplicity = 0;
    const below = g;
    while (g < nG && genuine[g] === v) {
      g++;
      multiplicity++;
    }
    // accepted genuine = those ≥ v; correctly rejected impostors = those < v
    const correct = nG - below + m;
    if (correct > bestCorrect) {
      bestCorrect = correct;
      sumBest = v * multiplicity;
      numBest = multiplicity;
    } else if (correct === bestCorrect) {
      sumBest += v * multiplicity;
      numBest += multiplicity;
    }
  }
  return { accuracy: bestCorrect / (nG + nI), threshold: sumBest / numBest };
}

/**
 * Fold ids for k contiguous folds of n pairs: pair i goes to fold floor(i·k / n).
 * With n divisible by k every fold has n/k consecutive pairs, as in LFW View 2
 * (10 folds of 600 pairs in file order).
 * @throws PfeError INVALID_ARGUMENT when k is not an integer in [2, n]
 */
export function contiguousFolds(n: number, k: number): Int32Array {
  if (!Number.isInteger(n) || !Number.isInteger(k) || k < 2 || k > n) {
    throw new PfeError('INVALID_ARGUMENT', `contiguousFolds needs integers 2 ≤ k ≤ n, got n=${n}, k=${k}`, { n, k });
  }
  const folds = new Int32Array(n);
  for (let i = 0; i < n; i++) folds[i] = Math.floor((i * k) / n);
  return folds;
}

/**
 * LFW-style k-fold accuracy (the reference `LFWTest.test_standard_proto`): for each fold,
 * the threshold is chosen by `bestThresholdAccuracy` on the pairs of the other k−1 folds
 * (candidates = their genuine scores) and applied to the held-out fold.
 * @param scores N similarity scores; labels N labels (1/true = genuine).
 * @param folds N fold ids in 0..k−1 (k ≥ 2, every fold non-empty), e.g. from `contiguousFolds`.
 * @throws PfeError DIMENSION_MISMATCH, EMPTY_INPUT (a training split without genuine or
 *   impostor pairs), NON_FINITE, INVALID_ARGUMENT (bad fold ids)
 */
export function kFoldAccuracy(scores: ScoreArray, labels: PairLabels, folds: ArrayLike<number>): KFoldAccuracy {
  validatePairs(scores, labels);
  if (folds.length !== scores.length) {
    throw new PfeError('DIMENSION_MISMATCH', `folds has ${folds.length} entries but scores has ${scores.length}`, {
      foldsLength: folds.length,
      scoresLength: scores.length,
    });
  }
  let k = 0;
  for (let i = 0; i < folds.length; i++) {
    const f = folds[i]!;
    if (!Number.isInteger(f) || f < 0) throw new PfeError('INVALID_ARGUMENT', `folds[${i}] is ${f}; fold ids must be integers ≥ 0`, { index: i, value: f });
    if (f + 1 > k) k = f + 1;
  }
  const foldSize = new Int32Array(k);
  for (let i = 0; i < folds.length; i++) foldSize[folds[i]!]!++;
  if (k < 2) throw new PfeError('INVALID_ARGUMENT', `k-fold accuracy needs at least 2 folds, got ${k}`, { k });
  for (let f = 0; f < k; f++) {
    if (foldSize[f] === 0) throw new PfeError('INVALID_ARGUMENT', `fold ${f} is empty; fold ids must be 0..${k - 1} with every fold used`, { fold: f, k });
  }

  const foldAccuracies = new Float64Array(k);
  const thresholds = new Float64Array(k);
  const n = scores.length;
  for (let f = 0; f < k; f++) {
    const trainCount = n - foldSize[f]!;
    const trainScores = new Float64Array(trainCount);
    const trainLabels = new Uint8Array(trainCount);
    let t = 0;
    let trainGenuine = 0;
    for (let i = 0; i < n; i++) {
      if (folds[i] === f) continue;
      trainScores[t] = scores[i]!;
      trainLabels[t] = labels[i] ? 1 : 0;
      trainGenuine += trainLabels[t]!;
      t++;
    }
    if (trainGenuine === 0 || trainGenuine === trainCount) {
      const missing = trainGenuine === 0 ? 'genuine' : 'impostor';
      throw new PfeError('EMPTY_INPUT', `the training split for fold ${f} (all other folds) has no ${missing} pair to choose a threshold with`, { fold: f });
    }
    const { threshold } = bestThresholdAccuracy(trainScores, trainLabels);
    let correct = 0;
    for (let i = 0; i < n; i++) {
      if (folds[i] === f && (scores[i]! >= threshold) === Boolean(labels[i])) correct++;
    }
    thresholds[f] = threshold;
    foldAccuracies[f] = correct / foldSize[f]!;
  }
  let mean = 0;
  for (let f = 0; f < k; f++) mean += foldAccuracies[f]!;
  mean /= k;
  let variance = 0;
  for (let f = 0; f < k; f++) variance += (foldAccuracies[f]! - mean) ** 2;
  return { foldAccuracies, thresholds, mean, std: Math.sqrt(variance / k) };
}
