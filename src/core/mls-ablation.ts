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
export function weightingOnlyPairs<T extends ScoreArray = Float64Array>(
  a: GaussianBatch,
  b: GaussianBatch,
  indexA: IndexArray,
  indexB: IndexArray,
  out?: T,
): T {
  return diagonalScorePairs(MLS_WEIGHTING_ONLY, a, b, indexA, indexB, out);
}

/** Weighting-only score matrix, row-major N_A×N_B. */
export function weightingOnlyMatrix<T extends ScoreArray = Float64Array>(a: GaussianBatch, b: GaussianBatch, out?: T): T {
  return diagonalScoreMatrix(MLS_WEIGHTING_ONLY, a, b, out);
}

/** Weighting-only scores of one probe against each gallery row (length N). */
export function weightingOnlyScan<T extends ScoreArray = Float64Array>(probe: GaussianEmbedding, gallery: GaussianBatch, out?: T): T {
  return diagonalScoreScan(MLS_WEIGHTING_ONLY, probe, gallery, out);
}

/** Penalty-only score of one pair. */
export function penaltyOnlyScore(x: GaussianEmbedding, y: GaussianEmbedding): number {
  return diagonalScorePair(MLS_PENALTY_ONLY, x, y);
}

/** Penalty-only scores of aligned pairs (length K). */
export function penaltyOnlyPairs<T extends ScoreArray = Float64Array>(
  a: GaussianBatch,
  b: GaussianBatch,
  indexA: IndexArray,
  indexB: IndexArray,
  out?: T,
): T {
  return diagonalScorePairs(MLS_PENALTY_ONLY, a, b, indexA, indexB, out);
}

/** Penalty-only score matrix, row-major N_A×N_B. */
export function penaltyOnlyMatrix<T extends ScoreArray = Float64Array>(a: GaussianBatch, b: GaussianBatch, out?: T): T {
  return diagonalScoreMatrix(MLS_PENALTY_ONLY, a, b, out);
}

/** Penalty-only scores of one probe against each gallery row (length N). */
export function penaltyOnlyScan<T extends ScoreArray = Float64Array>(probe: GaussianEmbedding, gallery: GaussianBatch, out?: T): T {
  return diagonalScoreScan(MLS_PENALTY_ONLY, probe, gallery, out);
}
