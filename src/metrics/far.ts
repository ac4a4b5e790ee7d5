import { countAtLeast, requireBothClasses, roundHalfEven, splitSortedByClass, validatePairs, validateRates } from './validate.js';
import type { PairLabels, ScoreArray } from './validate.js';

/**
 * How far above the highest impostor score the threshold for "zero false alarms" sits.
 * Value of `epsilon` in `find_thresholds_by_FAR` (evaluation/metrics.py of the PFE
 * reference code, seasonSH/Probabilistic-Face-Embeddings).
 */
export const ZERO_FAR_EPSILON = 1e-8;

/** One operating point of a verification ROC at a requested FAR. */
export interface TarAtFarPoint {
  /** The requested false accept rate. */
  readonly far: number;
  /** Accept a pair when score ≥ threshold. */
  readonly threshold: number;
  /** Fraction of genuine pairs accepted at the threshold. */
  readonly tar: number;
  /** Fraction of impostor pairs accepted at the threshold; differs from `far` by rounding and ties. */
  readonly achievedFar: number;
}

/** The smallest float64 strictly greater than x (x finite). */
function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigInt64(0);
  view.setBigInt64(0, x > 0 ? bits + 1n : bits - 1n);
  return view.getFloat64(0);
}

/** A threshold strictly above `maxScore`: max + ZERO_FAR_EPSILON, or the next float when epsilon is lost to rounding. */
export function thresholdAbove(maxScore: number): number {
  const t = maxScore + ZERO_FAR_EPSILON;
  return t > maxScore ? t : nextUp(maxScore);
}

/**
 * Thresholds at the given FARs from impostor scores sorted ASCENDING (float64, length ≥ 1),
 * with the semantics of the reference `find_thresholds_by_FAR`:
 * - k = round_half_even(FAR · numImpostors) false alarms are allowed;
 * - k = 0 (FAR·N < 0.5): threshold = highest impostor score + 1e-8, so no impostor is accepted;
 * - k ≥ 1: threshold = the k-th highest impostor score. Accepting score ≥ threshold then
 *   accepts at least k impostors, more when the k-th score is tied with the (k+1)-th.
 * FARs must already be validated to lie in [0, 1].
 */
export function thresholdsFromSortedImpostors(impostorAscending: Float64Array, fars: ArrayLike<number>): Float64Array {
  const n = impostorAscending.length;
  const out = new Float64Array(fars.length);
  for (let i = 0; i < fars.length; i++) {
    const k = roundHalfEven(n * fars[i]!);
    out[i] = k === 0 ? thresholdAbove(impostorAscending[n - 1]!) : impostorAscending[n - k]!;
  }
  return out;
}

/**
 * Verification thresholds at target false accept rates, exactly as the PFE reference
 * `find_thresholds_by_FAR` picks them (see `thresholdsFromSortedImpostors`).
 * The one deliberate difference: when 1e-8 is below the float64 resolution of the top
 * impostor score (|score| ≳ 4.5e7) the next representable float is used instead, so FAR 0
 * still means "no impostor accepted".
 * @param scores N similarity scores (higher = more similar).
 * @param labels N labels, 1/true = genuine.
 * @param fars target FARs, each in [0, 1].
 * @returns one threshold per FAR; accept when score ≥ threshold.
 * @throws PfeError DIMENSION_MISMATCH, EMPTY_INPUT (no genuine or no impostor pair), NON_FINITE, INVALID_ARGUMENT
 */
export function thresholdsAtFar(scores: ScoreArray, labels: PairLabels, fars: ArrayLike<number>): Float64Array {
  const counts = validatePairs(scores, labels);
  requireBothClasses(counts, 'thresholdsAtFar');
  validateRates(fars, 'fars');
  const { impostor } = splitSortedByClass(scores, labels, counts);
  return thresholdsFromSortedImpostors(impostor, fars);
}

/**
 * True accept rate at target false accept rates (the reference `ROC(score, label, FARs=...)`):
 * the threshold comes from `thresholdsAtFar`, then TAR and the achieved FAR are measured
 * with accept = score ≥ threshold.
 * @param scores N similarity scores (higher = more similar).
 * @param labels N labels, 1/true = genuine.
 * @param fars target FARs, each in [0, 1].
 * @throws PfeError DIMENSION_MISMATCH, EMPTY_INPUT, NON_FINITE, INVALID_ARGUMENT
 */
export function tarAtFar(scores: ScoreArray, labels: PairLabels, fars: ArrayLike<number>): TarAtFarPoint[] {
  const counts = validatePairs(scores, labels);
  requireBothClasses(counts, 'tarAtFar');
  validateRates(fars, 'fars');
  const { genuine, impostor } = splitSortedByClass(scores, labels, counts);
  return tarAtFarSorted(genuine, impostor, fars);
}

/** tarAtFar on genuine and impostor scores already sorted ascending (both non-empty, FARs validated). */
export function tarAtFarSorted(genuineAscending: Float64Array, impostorAscending: Float64Array, fars: ArrayLike<number>): TarAtFarPoint[] {
  const thresholds = thresholdsFromSortedImpostors(impostorAscending, fars);
  const points: TarAtFarPoint[] = [];
  for (let i = 0; i < fars.length; i++) {
    const threshold = thresholds[i]!;
    points.push({
      far: fars[i]!,
      threshold,
      tar: countAtLeast(genuineAscending, threshold) / genuineAscending.length,
      achievedFar: countAtLeast(impostorAscending, threshold) / impostorAscending.length,
    });
  }
  return points;
}
