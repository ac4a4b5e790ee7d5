/**
 * Score calibration: the estimated false-accept rate (FAR) of a raw score, read off the
 * impostor-score distribution of training data (pairs of different people), and the raw
 * threshold that meets a target FAR. Thresholds are configured as FARs, never as raw
 * scores, because MLS has no fixed range.
 *
 * The distribution is kept as a survival table: ascending knot scores s_j with
 * counts c_j = #{impostor scores ≥ s_j} out of `total`. A full table (every impostor
 * score is a knot) gives the empirical FAR exactly; a compressed table keeps every score
 * of the upper tail (where operating points lie) and a stride of the bulk. Where every
 * distinct score is a knot (from knot `exactFrom` on) the FAR is exact; in the strided bulk
 * it is taken at the knot at or below the score, an upper bound: the estimate never claims
 * a lower FAR than the data supports. Pure: no I/O.
 */
import { PfeError } from '../core/errors.js';

/** Which raw score a calibration describes. */
export type CalibratedMetric = 'mls' | 'cosine';

/** A survival table of impostor scores (JSON-safe). */
export interface ImpostorTable {
  readonly metric: CalibratedMetric;
  /** Number of impostor pairs the table was built from. */
  readonly total: number;
  /** Knot scores, strictly ascending. */
  readonly scores: readonly number[];
  /** counts[j] = impostor scores ≥ scores[j]; non-increasing, counts[0] ≤ total. */
  readonly counts: readonly number[];
  /** From this knot index on, every distinct impostor score is a knot (0 for a full table). */
  readonly exactFrom: number;
}

/** The FAR estimate of one score. */
export interface FarEstimate {
  /** Fraction of impostor scores ≥ the score (an upper bound between knots). */
  readonly far: number;
  /**
   * True when the score is above every impostor score seen: the true FAR is then only
   * known to be below `resolution` (far is reported as 0).
   */
  readonly beyondData: boolean;
  /** 1 / total: the smallest non-zero FAR the data can express. */
  readonly resolution: number;
}

/**
 * Builds a survival table from impostor scores sorted ascending.
 * @param sorted ascending impostor scores (length N ≥ 1), finite
 * @param tail keep every distinct score whose count is ≤ tail exactly (default: all of them)
 * @param bulkKnots about this many evenly spaced knots below the tail (default 1000)
 * @throws PfeError EMPTY_INPUT, NON_FINITE, INVALID_ARGUMENT (not sorted)
 */
export function impostorTable(metric: CalibratedMetric, sorted: ArrayLike<number>, tail: number = sorted.length, bulkKnots = 1000): ImpostorTable {
  const n = sorted.length;
  if (n === 0) throw new PfeError('EMPTY_INPUT', 'no impostor scores to calibrate from');
  for (let i = 0; i < n; i++) {
    const v = sorted[i]!;
    if (!Number.isFinite(v)) throw new PfeError('NON_FINITE', `impostor score ${i} is ${v}`, { row: i });
    if (i > 0 && v < sorted[i - 1]!) throw new PfeError('INVALID_ARGUMENT', `impostor scores must be sorted ascending (row ${i})`, { row: i });
  }
  const stride = Math.max(1, Math.floor((n - Math.min(tail, n)) / Math.max(1, bulkKnots)));
  const scores: number[] = [];
  const counts: number[] = [];
  let exactFrom = 0;
  for (let i = 0; i < n; i++) {
    // The first index of a run of equal scores carries the count of scores ≥ it.
    if (i > 0 && sorted[i] === sorted[i - 1]) continue;
    const count = n - i;
    // Always keep the minimum (FAR 1) and the maximum (the last distinct score).
    if (count <= Math.max(1, tail) || i % stride === 0 || sorted[n - 1] === sorted[i]) {
      scores.push(sorted[i]!);
      counts.push(count);
    } else exactFrom = scores.length;
  }
  return { metric, total: n, scores, counts, exactFrom };
}

/** Checks a table read from a file. @throws PfeError INVALID_FORMAT naming the problem */
export function checkImpostorTable(table: ImpostorTable): void {
  const bad = (why: string): never => {
    throw new PfeError('INVALID_FORMAT', `impostor table (${String(table.metric)}): ${why}`);
  };
  if (table.metric !== 'mls' && table.metric !== 'cosine') bad(`unknown metric '${String(table.metric)}'`);
  if (!Number.isInteger(table.total) || table.total < 1) bad(`total must be a positive integer, got ${table.total}`);
  if (!Array.isArray(table.scores) || !Array.isArray(table.counts) || table.scores.length !== table.counts.length || table.scores.length === 0) {
    bad('scores and counts must be non-empty arrays of the same length');
  }
  if (!Number.isInteger(table.exactFrom) || table.exactFrom < 0 || table.exactFrom >= table.scores.length) bad('exactFrom must be a knot index');
  for (let j = 0; j < table.scores.length; j++) {
    const s = table.scores[j]!;
    const c = table.counts[j]!;
    if (typeof s !== 'number' || !Number.isFinite(s)) bad(`score ${j} is not a finite number`);
    if (!Number.isInteger(c) || c < 1 || c > table.total) bad(`count ${j} must be an integer in 1..${table.total}`);
    if (j > 0 && !(s > table.scores[j - 1]!)) bad(`scores must be strictly ascending (knot ${j})`);
    if (j > 0 && c >= table.counts[j - 1]!) bad(`counts must be decreasing (knot ${j})`);
  }
}

/** The next float64 above x (ES2022 has no Math.nextUp). */
function justAbove(x: number): number {
  const step = Math.max(Math.abs(x) * Number.EPSILON, Number.MIN_VALUE);
  return x + step;
}

/** FAR estimates and thresholds from one impostor table. */
export class ScoreCalibration {
  readonly metric: CalibratedMetric;
  /** 1 / total. */
  readonly resolution: number;
  private readonly table: ImpostorTable;

  /** @throws PfeError INVALID_FORMAT when the table is inconsistent */
  constructor(table: ImpostorTable) {
    checkImpostorTable(table);
    this.table = table;
    this.metric = table.metric;
    this.resolution = 1 / table.total;
  }

  /** Number of impostor pairs behind the estimates. */
  get total(): number {
    return this.table.total;
  }

  /** Estimated FAR of a raw score: the fraction of impostor scores ≥ score (see FarEstimate). */
  far(score: number): FarEstimate {
    if (Number.isNaN(score)) throw new PfeError('NON_FINITE', 'cannot calibrate a NaN score');
    const { scores, counts, total } = this.table;
    // Last knot with scores[j] ≤ score (binary search).
    let lo = 0;
    let hi = scores.length - 1;
    // Below the lowest knot (the minimum impostor score) every impostor scores higher.
    if (score < scores[0]!) return { far: 1, beyondData: false, resolution: this.resolution };
    if (score > scores[hi]!) return { far: 0, beyondData: true, resolution: this.resolution };
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (scores[mid]! <= score) lo = mid;
      else hi = mid - 1;
    }
    // Between two consecutive distinct scores nothing lies in between: the next knot's count is exact.
    const exact = scores[lo] === score || lo < this.table.exactFrom ? counts[lo]! : counts[lo + 1]!;
    return { far: exact / total, beyondData: false, resolution: this.resolution };
  }

  /**
   * The smallest knot score whose FAR is ≤ targetFar: every score ≥ threshold is accepted
   * at targetFar. Decisions use `far(score).far ≤ targetFar`, which also accepts scores
   * in the gap just below the threshold, above the next lower impostor score.
   * @throws PfeError INVALID_ARGUMENT when targetFar is outside [resolution, 1]: below the
   *   resolution the data cannot support the claim
   */
  threshold(targetFar: number): number {
    if (!(targetFar >= this.resolution && targetFar <= 1)) {
      throw new PfeError(
        'INVALID_ARGUMENT',
        `target FAR ${targetFar} is outside [${this.resolution}, 1]: the ${this.metric} calibration has ${this.table.total} impostor pairs, so it cannot resolve a smaller FAR`,
        { targetFar, resolution: this.resolution },
      );
    }
    const { scores, counts, total } = this.table;
    const maxCount = targetFar * total;
    // counts are decreasing: first knot with counts[j] ≤ maxCount.
    let lo = 0;
    let hi = scores.length - 1;
    if (counts[hi]! > maxCount) return justAbove(scores[hi]!);
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (counts[mid]! <= maxCount) hi = mid;
      else lo = mid + 1;
    }
    return scores[lo]!;
  }
}
