import { PfeError } from '../core/errors.js';
import { thresholdsFromSortedImpostors } from './far.js';
import { worstFirstOrder } from './quality.js';
import type { QualityOrder } from './quality.js';
import { assertFiniteScores, requireBothClasses, roundHalfEven, splitSortedByClass, validatePairs, validateRates } from './validate.js';
import type { PairLabels, ScoreArray } from './validate.js';

/**
 * How the EDC threshold is set:
 * - 'fixed-at-start': once, at the target FMR on all pairs before discarding (the usual EDC,
 *   after Grother & Tabassi 2007; FNMR then shows the effect of rejecting low-quality pairs
 *   at a deployed operating point);
 * - 'recomputed-per-step': again at the target FMR on the pairs kept at each step.
 */
export type EdcThresholdMode = 'fixed-at-start' | 'recomputed-per-step';

/** Options of `errorVersusDiscard`. */
export interface EdcOptions {
  /** Target false match rate in [0, 1] that sets the threshold (reference `find_thresholds_by_FAR` rule). */
  readonly targetFmr: number;
  /** Strictly increasing fractions of pairs to discard, each in [0, 1]; see `linearGrid`. */
  readonly discardFractions: ArrayLike<number>;
  /** Direction of `pairQuality` (build it with `pairQuality`, which keeps the direction). */
  readonly qualityOrder: QualityOrder;
  /** Default 'fixed-at-start'. */
  readonly thresholdMode?: EdcThresholdMode;
}

/** An error-versus-discard curve; every array has one entry per discard fraction. */
export interface EdcCurve {
  readonly thresholdMode: EdcThresholdMode;
  readonly targetFmr: number;
  /** The requested discard fractions (the x axis). */
  readonly discardFractions: Float64Array;
  /** Pairs actually discarded: round_half_even(fraction · N), lowest quality first. */
  readonly discardedPairs: Int32Array;
  /** Threshold used at each step (constant in 'fixed-at-start' mode; NaN when no impostor is left). */
  readonly thresholds: Float64Array;
  /** False non-match rate of the kept genuine pairs (score < threshold); NaN when none is left. */
  readonly fnmr: Float64Array;
  /** False match rate of the kept impostor pairs (score ≥ threshold); NaN when none is left. */
  readonly fmr: Float64Array;
  readonly genuineKept: Int32Array;
  readonly impostorKept: Int32Array;
}

/**
 * `count` evenly spaced values from `start` to `stop` inclusive, e.g. linearGrid(0, 0.3, 31)
 * for discard fractions 0, 0.01, ..., 0.3. Each value is start + i·(stop−start)/(count−1),
 * computed directly (no accumulated rounding).
 * @throws PfeError INVALID_ARGUMENT
 */
export function linearGrid(start: number, stop: number, count: number): Float64Array {
  if (!Number.isFinite(start) || !Number.isFinite(stop) || !Number.isInteger(count) || count < 2 || !(stop > start)) {
    throw new PfeError('INVALID_ARGUMENT', `linearGrid needs finite start < stop and an integer count ≥ 2, got ${start}, ${stop}, ${count}`);
  }
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = i === count - 1 ? stop : start + ((stop - start) * i) / (count - 1);
  return out;
}

function validateIncreasing(values: ArrayLike<number>, name: string): void {
  validateRates(values, name);
  for (let i = 1; i < values.length; i++) {
    if (!(values[i]! > values[i - 1]!)) {
      throw new PfeError('INVALID_ARGUMENT', `${name} must be strictly increasing; ${name}[${i}] = ${values[i]} follows ${values[i - 1]}`, { index: i });
    }
  }
}

/**
 * Error-versus-discard characteristic (EDC) for quality-based rejection of pairs.
 * Pairs are discarded worst quality first (ties: lower pair index first, see `worstFirstOrder`);
 * at each fraction f, d = round_half_even(f·N) pairs are gone and FNMR/FMR are measured on
 * the rest with accept = score ≥ threshold.
 * @param scores N similarity scores; labels N labels (1/true = genuine).
 * @param pairQualityValues N pair qualities, e.g. from `pairQuality` (worse of the two images).
 * @throws PfeError DIMENSION_MISMATCH, EMPTY_INPUT, NON_FINITE, INVALID_ARGUMENT
 */
export function errorVersusDiscard(scores: ScoreArray, labels: PairLabels, pairQualityValues: ArrayLike<number>, options: EdcOptions): EdcCurve {
  const counts = validatePairs(scores, labels);
  requireBothClasses(counts, 'errorVersusDiscard');
  if (pairQualityValues.length !== scores.length) {
    throw new PfeError('DIMENSION_MISMATCH', `pairQuality has ${pairQualityValues.length} values but scores has ${scores.length}`, {
      qualityLength: pairQualityValues.length,
      scoresLength: scores.length,
    });
  }
  assertFiniteScores(pairQualityValues, 'pairQuality');
  if (!(options.targetFmr >= 0 && options.targetFmr <= 1)) {
    throw new PfeError('INVALID_ARGUMENT', `targetFmr is ${options.targetFmr}; it must lie in [0, 1]`, { targetFmr: options.targetFmr });
  }
  validateIncreasing(options.discardFractions, 'discardFractions');
  const mode: EdcThresholdMode = options.thresholdMode ?? 'fixed-at-start';
  if (mode !== 'fixed-at-start' && mode !== 'recomputed-per-step') {
    throw new PfeError('INVALID_ARGUMENT', `thresholdMode must be 'fixed-at-start' or 'recomputed-per-step', got '${String(mode)}'`);
  }
  const n = scores.length;
  const steps = options.discardFractions.length;
  const order = worstFirstOrder(pairQualityValues, options.qualityOrder);
  const curve: EdcCurve = {
    thresholdMode: mode,
    targetFmr: options.targetFmr,
    discardFractions: Float64Array.from(options.discardFractions),
    discardedPairs: new Int32Array(steps),
    thresholds: new Float64Array(steps),
    fnmr: new Float64Array(steps),
    fmr: new Float64Array(steps),
    genuineKept: new Int32Array(steps),
    impostorKept: new Int32Array(steps),
  };
  const fmrTarget = [options.targetFmr];

  let fixedThreshold = NaN;
  if (mode === 'fixed-at-start') {
    const { impostor } = splitSortedByClass(scores, labels, counts);
    fixedThreshold = thresholdsFromSortedImpostors(impostor, fmrTarget)[0]!;
  }
  const keptImpostors = new Float64Array(counts.impostor); // scratch for recomputed mode
  for (let s = 0; s < steps; s++) {
    const discarded = Math.min(n, roundHalfEven(options.discardFractions[s]! * n));
    let threshold = fixedThreshold;
    let impostorKept = 0;
    let genuineKept = 0;
    if (mode === 'recomputed-per-step') {
      for (let r = discarded; r < n; r++) {
        const p = order[r]!;
        if (!labels[p]) keptImpostors[impostorKept++] = scores[p]!;
      }
      const kept = keptImpostors.subarray(0, impostorKept).sort();
      threshold = impostorKept > 0 ? thresholdsFromSortedImpostors(kept, fmrTarget)[0]! : NaN;
    }
    let falseNonMatches = 0;
    let falseMatches = 0;
    impostorKept = 0;
    for (let r = discarded; r < n; r++) {
      const p = order[r]!;
      const accepted = scores[p]! >= threshold;
      if (labels[p]) {
        genuineKept++;
        if (!accepted) falseNonMatches++;
      } else {
        impostorKept++;
        if (accepted) falseMatches++;
      }
    }
    curve.discardedPairs[s] = discarded;
    curve.thresholds[s] = threshold;
    curve.genuineKept[s] = genuineKept;
    curve.impostorKept[s] = impostorKept;
    curve.fnmr[s] = genuineKept > 0 && !Number.isNaN(threshold) ? falseNonMatches / genuineKept : NaN;
    curve.fmr[s] = impostorKept > 0 && !Number.isNaN(threshold) ? falseMatches / impostorKept : NaN;
  }
  return curve;
}

/**
 * Area under a piecewise-linear curve from x[0] to `limit` by the trapezoid rule; when
 * `limit` falls between two grid points the curve is interpolated linearly there.
 * @param x strictly increasing abscissae; y same length, finite up to `limit`.
 * @throws PfeError DIMENSION_MISMATCH, EMPTY_INPUT, INVALID_ARGUMENT (limit outside the grid), NON_FINITE
 */
export function partialAreaUnderCurve(x: ArrayLike<number>, y: ArrayLike<number>, limit: number): number {
  if (x.length !== y.length) throw new PfeError('DIMENSION_MISMATCH', `x has ${x.length} values but y has ${y.length}`);
  if (x.length === 0) throw new PfeError('EMPTY_INPUT', 'the curve has no points');
  if (!(limit >= x[0]! && limit <= x[x.length - 1]!)) {
    throw new PfeError('INVALID_ARGUMENT', `limit ${limit} lies outside the curve's range [${x[0]}, ${x[x.length - 1]}]`, { limit });
  }
  for (let i = 1; i < x.length; i++) {
    if (!(x[i]! > x[i - 1]!)) throw new PfeError('INVALID_ARGUMENT', `x must be strictly increasing; x[${i}] = ${x[i]} follows ${x[i - 1]}`, { index: i });
  }
  const checkY = (i: number): number => {
    const v = y[i]!;
    if (!Number.isFinite(v)) throw new PfeError('NON_FINITE', `y[${i}] is ${v} at x = ${x[i]}, needed for the area up to ${limit}`, { index: i });
    return v;
  };
  let area = 0;
  let yPrev = checkY(0);
  for (let i = 1; i < x.length && x[i - 1]! < limit; i++) {
    const yi = checkY(i);
    const x0 = x[i - 1]!;
    const x1 = x[i]!;
    if (x1 <= limit) {
      area += ((x1 - x0) * (yPrev + yi)) / 2;
    } else {
      const yAtLimit = yPrev + ((yi - yPrev) * (limit - x0)) / (x1 - x0);
      area += ((limit - x0) * (yPrev + yAtLimit)) / 2;
    }
    yPrev = yi;
  }
  return area;
}

/**
 * Partial area under the EDC's FNMR curve from discard fraction 0 to `limit` (e.g. 0.3),
 * by the trapezoid rule over the curve's grid (unnormalised: divide by `limit` for a mean FNMR).
 * @throws PfeError INVALID_ARGUMENT (grid does not start at 0 or does not reach `limit`), NON_FINITE
 */
export function edcPartialAuc(curve: Pick<EdcCurve, 'discardFractions' | 'fnmr'>, limit: number): number {
  if (curve.discardFractions[0] !== 0) {
    throw new PfeError('INVALID_ARGUMENT', `the EDC grid must start at discard fraction 0 for a pAUC from 0, got ${curve.discardFractions[0]}`);
  }
  return partialAreaUnderCurve(curve.discardFractions, curve.fnmr, limit);
}
