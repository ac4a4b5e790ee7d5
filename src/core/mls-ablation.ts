import type { GaussianBatch, GaussianEmbedding } from './embedding.js';
import {
  diagonalScoreMatrix,
  diagonalScorePair,
  diagonalScorePairs,
  diagonalScoreScan,
  type DiagonalScoreDefinition,
} from './diagonal-score.js';
import { penaltySumKernel } from './kernels/penalty-sum.js';
import { weightingSumKernel } from './kernels/weighting-sum.js';
import type { IndexArray, ScoreArray } from './validate.js';

/**
 * The two halves of the MLS, for the ablation "which term carries the gain?":
 * - weighting only: −½ Σ_l (Δμ_l)² / (s1_l + s2_l)  (confidence-weighted distance);
 * - penalty only:   −½ Σ_l log(s1_l + s2_l)        (ignores the means: a pure quality term).
 * Their sum minus (D/2) log 2π is the paper's MLS. Same checks and errors as mls.ts.
 */

/** Weighting-only ablation score, scale/offset over its kernel. */
export const MLS_WEIGHTING_ONLY: DiagonalScoreDefinition = { name: 'weighting-only', kernel: weightingSumKernel, scale: -0.5, offset: () => 0 };

/** Penalty-only ablation score, scale/offset over its kernel. */
export const MLS_PENALTY_ONLY: DiagonalScoreDefinition = { name: 'penalty-only', kernel: penaltySumKernel, scale: -0.5, offset: () => 0 };

/** Weighting-only score of one pair. */
export function weightingOnlyScore(x: GaussianEmbedding, y: GaussianEmbedding): number {
  return diagonalScorePair(MLS_WEIGHTING_ONLY, x, y);
}

/** Weighting-only scores of aligned pairs (length K). */
export function weightingOnlyPairs(a: GaussianBatch, b: GaussianBatch, indexA: IndexArray, indexB: IndexArray): Float64Array;
/** Writes into `out` (length must match, else DIMENSION_MISMATCH) and returns that same array. */
export function weightingOnlyPairs<T extends ScoreArray>(a: GaussianBatch, b: GaussianBatch, indexA: IndexArray, indexB: IndexArray, out: T): T;
/** Forwarding form for an `out` that may be undefined: returns `out` or a new Float64Array. */
export function weightingOnlyPairs(a: GaussianBatch, b: GaussianBatch, indexA: IndexArray, indexB: IndexArray, out?: ScoreArray): ScoreArray;
export function weightingOnlyPairs(a: GaussianBatch, b: GaussianBatch, indexA: IndexArray, indexB: IndexArray, out?: ScoreArray): ScoreArray {
  return diagonalScorePairs(MLS_WEIGHTING_ONLY, a, b, indexA, indexB, out);
}

/** Weighting-only score matrix, row-major N_A×N_B. */
export function weightingOnlyMatrix(a: GaussianBatch, b: GaussianBatch): Float64Array;
/** Writes into `out` (length must match, else DIMENSION_MISMATCH) and returns that same array. */
export function weightingOnlyMatrix<T extends ScoreArray>(a: GaussianBatch, b: GaussianBatch, out: T): T;
/** Forwarding form for an `out` that may be undefined: returns `out` or a new Float64Array. */
export function weightingOnlyMatrix(a: GaussianBatch, b: GaussianBatch, out?: ScoreArray): ScoreArray;
export function weightingOnlyMatrix(a: GaussianBatch, b: GaussianBatch, out?: ScoreArray): ScoreArray {
  return diagonalScoreMatrix(MLS_WEIGHTING_ONLY, a, b, out);
}

/** Weighting-only scores of one probe against each gallery row (length N). */
export function weightingOnlyScan(probe: GaussianEmbedding, gallery: GaussianBatch): Float64Array;
/** Writes into `out` (length must match, else DIMENSION_MISMATCH) and returns that same array. */
export function weightingOnlyScan<T extends ScoreArray>(probe: GaussianEmbedding, gallery: GaussianBatch, out: T): T;
/** Forwarding form for an `out` that may be undefined: returns `out` or a new Float64Array. */
export function weightingOnlyScan(probe: GaussianEmbedding, gallery: GaussianBatch, out?: ScoreArray): ScoreArray;
export function weightingOnlyScan(probe: GaussianEmbedding, gallery: GaussianBatch, out?: ScoreArray): ScoreArray {
  return diagonalScoreScan(MLS_WEIGHTING_ONLY, probe, gallery, out);
}

/** Penalty-only score of one pair. */
export function penaltyOnlyScore(x: GaussianEmbedding, y: GaussianEmbedding): number {
  return diagonalScorePair(MLS_PENALTY_ONLY, x, y);
}

/** Penalty-only scores of aligned pairs (length K). */
export function penaltyOnlyPairs(a: GaussianBatch, b: GaussianBatch, indexA: IndexArray, indexB: IndexArray): Float64Array;
/** Writes into `out` (length must match, else DIMENSION_MISMATCH) and returns that same array. */
export function penaltyOnlyPairs<T extends ScoreArray>(a: GaussianBatch, b: GaussianBatch, indexA: IndexArray, indexB: IndexArray, out: T): T;
/** Forwarding form for an `out` that may be undefined: returns `out` or a new Float64Array. */
export function penaltyOnlyPairs(a: GaussianBatch, b: GaussianBatch, indexA: IndexArray, indexB: IndexArray, out?: ScoreArray): ScoreArray;
export function penaltyOnlyPairs(a: GaussianBatch, b: GaussianBatch, indexA: IndexArray, indexB: IndexArray, out?: ScoreArray): ScoreArray {
  return diagonalScorePairs(MLS_PENALTY_ONLY, a, b, indexA, indexB, out);
}

/** Penalty-only score matrix, row-major N_A×N_B. */
export function penaltyOnlyMatrix(a: GaussianBatch, b: GaussianBatch): Float64Array;
/** Writes into `out` (length must match, else DIMENSION_MISMATCH) and returns that same array. */
export function penaltyOnlyMatrix<T extends ScoreArray>(a: GaussianBatch, b: GaussianBatch, out: T): T;
/** Forwarding form for an `out` that may be undefined: returns `out` or a new Float64Array. */
export function penaltyOnlyMatrix(a: GaussianBatch, b: GaussianBatch, out?: ScoreArray): ScoreArray;
export function penaltyOnlyMatrix(a: GaussianBatch, b: GaussianBatch, out?: ScoreArray): ScoreArray {
  return diagonalScoreMatrix(MLS_PENALTY_ONLY, a, b, out);
}

/** Penalty-only scores of one probe against each gallery row (length N). */
export function penaltyOnlyScan(probe: GaussianEmbedding, gallery: GaussianBatch): Float64Array;
/** Writes into `out` (length must match, else DIMENSION_MISMATCH) and returns that same array. */
export function penaltyOnlyScan<T extends ScoreArray>(probe: GaussianEmbedding, gallery: GaussianBatch, out: T): T;
/** Forwarding form for an `out` that may be undefined: returns `out` or a new Float64Array. */
export function penaltyOnlyScan(probe: GaussianEmbedding, gallery: GaussianBatch, out?: ScoreArray): ScoreArray;
export function penaltyOnlyScan(probe: GaussianEmbedding, gallery: GaussianBatch, out?: ScoreArray): ScoreArray {
  return diagonalScoreScan(MLS_PENALTY_ONLY, probe, gallery, out);
}
