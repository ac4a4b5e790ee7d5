import { thresholdAbove } from './far.js';
import { requireBothClasses, splitSortedByClass, validatePairs } from './validate.js';
import type { PairLabels, ScoreArray } from './validate.js';

/** A full ROC curve; the three arrays have one entry per operating point. */
export interface RocCurve {
  /**
   * Decreasing thresholds (accept when score ≥ threshold): first one above the highest
   * score (FAR = TAR = 0), then every distinct score once, down to the lowest (FAR = TAR = 1).
   */
  readonly thresholds: Float64Array;
  /** False accept rate at each threshold, non-decreasing. */
  readonly far: Float64Array;
  /** True accept rate at each threshold, non-decreasing. */
  readonly tar: Float64Array;
  /**
   * Area under the curve by the trapezoid rule over all points: equals the probability that
   * a random genuine score exceeds a random impostor score, ties counted as one half.
   */
  readonly auc: number;
}

/**
 * The ROC curve at every distinct score (genuine or impostor), so it is exact and has
 * no duplicated thresholds. For a log-FAR plot drop the points with FAR = 0.
 * @param scores N similarity scores (higher = more similar).
 * @param labels N labels, 1/true = genuine.
 * @throws PfeError DIMENSION_MISMATCH, EMPTY_INPUT, NON_FINITE, INVALID_ARGUMENT
 */
export function rocCurve(scores: ScoreArray, labels: PairLabels): RocCurve {
  const counts = validatePairs(scores, labels);
  requireBothClasses(counts, 'rocCurve');
  const { genuine, impostor } = splitSortedByClass(scores, labels, counts);
  const nG = genuine.length;
  const nI = impostor.length;

  // Walk both ascending arrays from the top; each distinct value becomes one point.
  // At most one point per score plus the starting point; trimmed at the end.
  const capacity = nG + nI + 1;
  const thresholds = new Float64Array(capacity);
  const far = new Float64Array(capacity);
  const tar = new Float64Array(capacity);
  thresholds[0] = thresholdAbove(Math.max(genuine[nG - 1]!, impostor[nI - 1]!));
  let count = 1;
  let g = nG; // genuine[g..] are ≥ current threshold
  let m = nI;
  while (g > 0 || m > 0) {
    const v = Math.max(g > 0 ? genuine[g - 1]! : -Infinity, m > 0 ? impostor[m - 1]! : -Infinity);
    while (g > 0 && genuine[g - 1] === v) g--;
    while (m > 0 && impostor[m - 1] === v) m--;
    thresholds[count] = v;
    far[count] = (nI - m) / nI;
    tar[count] = (nG - g) / nG;
    count++;
  }
  let auc = 0;
  for (let i = 1; i < count; i++) auc += (far[i]! - far[i - 1]!) * (tar[i]! + tar[i - 1]!) * 0.5;
  return { thresholds: thresholds.slice(0, count), far: far.slice(0, count), tar: tar.slice(0, count), auc };
}
