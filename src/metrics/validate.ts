import { PfeError } from '../core/errors.js';

import type { ScoreArray } from '../core/validate.js';

/** Similarity scores, one per pair (or per probe×gallery cell); higher = more similar. */
export type { ScoreArray };

/**
 * Pair labels, one per score: 1/true = genuine (same identity), 0/false = impostor.
 * Any other value is rejected, so identity ids passed by mistake are caught.
 */
export type PairLabels = Uint8Array | readonly boolean[];

/** Counts of the two classes in a validated score/label set. */
export interface ClassCounts {
  readonly genuine: number;
  readonly impostor: number;
}

/**
 * Checks that every score is finite; throws NON_FINITE naming the first bad index.
 * Infinite scores are rejected too: a threshold next to them would be meaningless.
 */
export function assertFiniteScores(scores: ArrayLike<number>, name: string): void {
  for (let i = 0; i < scores.length; i++) {
    const v = scores[i]!;
    if (!Number.isFinite(v)) {
      throw new PfeError('NON_FINITE', `${name}[${i}] is ${v}; every score must be finite`, { name, index: i, value: v });
    }
  }
}

/**
 * Validates a score vector and its label vector (same length N ≥ 1, finite scores,
 * labels 0/1 or boolean) and counts genuine and impostor pairs.
 * @throws PfeError EMPTY_INPUT, DIMENSION_MISMATCH, NON_FINITE, INVALID_ARGUMENT
 */
export function validatePairs(scores: ArrayLike<number>, labels: PairLabels): ClassCounts {
  if (scores.length !== labels.length) {
    throw new PfeError('DIMENSION_MISMATCH', `scores has ${scores.length} values but labels has ${labels.length}; both need one entry per pair`, {
      scoresLength: scores.length,
      labelsLength: labels.length,
    });
  }
  if (scores.length === 0) throw new PfeError('EMPTY_INPUT', 'at least one scored pair is required');
  assertFiniteScores(scores, 'scores');
  let genuine = 0;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (l === 1 || l === true) genuine++;
    else if (l !== 0 && l !== false) {
      throw new PfeError('INVALID_ARGUMENT', `labels[${i}] is ${String(l)}; labels must be 0/1 or false/true`, { index: i, value: l });
    }
  }
  return { genuine, impostor: scores.length - genuine };
}

/** Throws EMPTY_INPUT unless both classes are present; `context` says what needed them. */
export function requireBothClasses(counts: ClassCounts, context: string): void {
  if (counts.genuine === 0) {
    throw new PfeError('EMPTY_INPUT', `${context} needs at least one genuine pair (label 1), got none`, { ...counts });
  }
  if (counts.impostor === 0) {
    throw new PfeError('EMPTY_INPUT', `${context} needs at least one impostor pair (label 0), got none`, { ...counts });
  }
}

/**
 * Validates rates (FARs, fractions) that must lie in [0, 1].
 * @throws PfeError EMPTY_INPUT, INVALID_ARGUMENT
 */
export function validateRates(rates: ArrayLike<number>, name: string): void {
  if (rates.length === 0) throw new PfeError('EMPTY_INPUT', `${name} must hold at least one value`);
  for (let i = 0; i < rates.length; i++) {
    const r = rates[i]!;
    if (!(r >= 0 && r <= 1)) {
      throw new PfeError('INVALID_ARGUMENT', `${name}[${i}] is ${r}; it must lie in [0, 1]`, { name, index: i, value: r });
    }
  }
}

/**
 * Splits a validated set into genuine and impostor scores, each sorted ascending (float64).
 * Labels must already be validated.
 */
export function splitSortedByClass(scores: ArrayLike<number>, labels: PairLabels, counts: ClassCounts): { genuine: Float64Array; impostor: Float64Array } {
  const genuine = new Float64Array(counts.genuine);
  const impostor = new Float64Array(counts.impostor);
  let g = 0;
  let m = 0;
  for (let i = 0; i < scores.length; i++) {
    if (labels[i]) genuine[g++] = scores[i]!;
    else impostor[m++] = scores[i]!;
  }
  genuine.sort();
  impostor.sort();
  return { genuine, impostor };
}

/** Index of the first element ≥ t in an ascending array (= count of elements < t). */
export function lowerBound(sortedAscending: Float64Array, t: number): number {
  let lo = 0;
  let hi = sortedAscending.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sortedAscending[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Number of elements ≥ t in an ascending array. */
export function countAtLeast(sortedAscending: Float64Array, t: number): number {
  return sortedAscending.length - lowerBound(sortedAscending, t);
}

/**
 * Rounds half to even, like numpy's `np.round` (IEEE rint), which the reference code
 * uses to turn FAR·N into a count of false alarms: 2.5 → 2, 3.5 → 4.
 */
export function roundHalfEven(x: number): number {
  const r = Math.round(x); // rounds halves towards +∞
  if (r - x === 0.5 && r % 2 !== 0) return r - 1;
  return r;
}
