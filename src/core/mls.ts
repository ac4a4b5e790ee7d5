import type { GaussianBatch, GaussianEmbedding } from './embedding.js';
import {
  diagonalScoreMatrix,
  diagonalScorePair,
  diagonalScorePairs,
  diagonalScoreScan,
  type DiagonalScoreDefinition,
} from './diagonal-score.js';
import { mlsSumKernel } from './kernels/mls-sum.js';
import type { IndexArray, ScoreArray } from './validate.js';

/**
 * Mutual likelihood score (MLS) between diagonal Gaussian embeddings, in two forms:
 * - paper (Shi & Jain 2019, eq. 3): the log-likelihood that both share one latent code,
 *     −½ Σ_l [ (Δμ_l)² / (s1_l + s2_l) + log(s1_l + s2_l) ] − (D/2) log 2π;
 * - reference code (utils.pair_MLS_score): −Σ_l [ (Δμ_l)² / (s1_l + s2_l) + log(s1_l + s2_l) ]
 *   (no ½, no constant; it ranks pairs identically, the scale is twice the paper's).
 * Higher means more likely the same identity. Every function checks its input and
 * throws PfeError (NON_FINITE, NON_POSITIVE_VARIANCE, DIMENSION_MISMATCH, EMPTY_INPUT,
 * INDEX_OUT_OF_RANGE, INVALID_ARGUMENT).
 */

/** (D/2) log 2π: the normalising constant of a D-dimensional Gaussian. */
export function gaussianLogNormaliser(dim: number): number {
  return 0.5 * dim * Math.log(2 * Math.PI);
}

/** The paper's MLS as scale/offset over the raw kernel sum. */
export const MLS_PAPER: DiagonalScoreDefinition = { name: 'mls', kernel: mlsSumKernel, scale: -0.5, offset: (dim) => -gaussianLogNormaliser(dim), wasmKernel: 'mls-sum' };

/** The reference code's MLS (utils.pair_MLS_score) as scale/offset over the raw kernel sum. */
export const MLS_REFERENCE: DiagonalScoreDefinition = { name: 'mls-reference', kernel: mlsSumKernel, scale: -1, offset: () => 0, wasmKernel: 'mls-sum' };

/** MLS (paper form, nats) of one pair of length-D embeddings. */
export function mutualLikelihoodScore(x: GaussianEmbedding, y: GaussianEmbedding): number {
  return diagonalScorePair(MLS_PAPER, x, y);
}

/** MLS (paper form) of aligned pairs: out[k] = MLS(A[indexA[k]], B[indexB[k]]), length K. */
export function mlsPairs(a: GaussianBatch, b: GaussianBatch, indexA: IndexArray, indexB: IndexArray): Float64Array;
/** Writes into `out` (length must match, else DIMENSION_MISMATCH) and returns that same array. */
export function mlsPairs<T extends ScoreArray>(a: GaussianBatch, b: GaussianBatch, indexA: IndexArray, indexB: IndexArray, out: T): T;
/** Forwarding form for an `out` that may be undefined: returns `out` or a new Float64Array. */
export function mlsPairs(a: GaussianBatch, b: GaussianBatch, indexA: IndexArray, indexB: IndexArray, out?: ScoreArray): ScoreArray;
export function mlsPairs(a: GaussianBatch, b: GaussianBatch, indexA: IndexArray, indexB: IndexArray, out?: ScoreArray): ScoreArray {
  return diagonalScorePairs(MLS_PAPER, a, b, indexA, indexB, out);
}

/** MLS (paper form) matrix, row-major N_A×N_B: out[i·N_B + j] = MLS(A[i], B[j]). */
export function mlsMatrix(a: GaussianBatch, b: GaussianBatch): Float64Array;
/** Writes into `out` (length must match, else DIMENSION_MISMATCH) and returns that same array. */
export function mlsMatrix<T extends ScoreArray>(a: GaussianBatch, b: GaussianBatch, out: T): T;
/** Forwarding form for an `out` that may be undefined: returns `out` or a new Float64Array. */
export function mlsMatrix(a: GaussianBatch, b: GaussianBatch, out?: ScoreArray): ScoreArray;
export function mlsMatrix(a: GaussianBatch, b: GaussianBatch, out?: ScoreArray): ScoreArray {
  return diagonalScoreMatrix(MLS_PAPER, a, b, out);
}

/** MLS (paper form) of one probe against each of the N gallery rows (length N). */
export function mlsScan(probe: GaussianEmbedding, gallery: GaussianBatch): Float64Array;
/** Writes into `out` (length must match, else DIMENSION_MISMATCH) and returns that same array. */
export function mlsScan<T extends ScoreArray>(probe: GaussianEmbedding, gallery: GaussianBatch, out: T): T;
/** Forwarding form for an `out` that may be undefined: returns `out` or a new Float64Array. */
export function mlsScan(probe: GaussianEmbedding, gallery: GaussianBatch, out?: ScoreArray): ScoreArray;
export function mlsScan(probe: GaussianEmbedding, gallery: GaussianBatch, out?: ScoreArray): ScoreArray {
  return diagonalScoreScan(MLS_PAPER, probe, gallery, out);
}

/** MLS in the reference code's form (−Σ[...], no ½, no constant) of one pair. */
export function mutualLikelihoodScoreReference(x: GaussianEmbedding, y: GaussianEmbedding): number {
  return diagonalScorePair(MLS_REFERENCE, x, y);
}

/** Reference-form MLS of aligned pairs (length K). */
export function mlsReferencePairs(a: GaussianBatch, b: GaussianBatch, indexA: IndexArray, indexB: IndexArray): Float64Array;
/** Writes into `out` (length must match, else DIMENSION_MISMATCH) and returns that same array. */
export function mlsReferencePairs<T extends ScoreArray>(a: GaussianBatch, b: GaussianBatch, indexA: IndexArray, indexB: IndexArray, out: T): T;
/** Forwarding form for an `out` that may be undefined: returns `out` or a new Float64Array. */
export function mlsReferencePairs(a: GaussianBatch, b: GaussianBatch, indexA: IndexArray, indexB: IndexArray, out?: ScoreArray): ScoreArray;
export function mlsReferencePairs(a: GaussianBatch, b: GaussianBatch, indexA: IndexArray, indexB: IndexArray, out?: ScoreArray): ScoreArray {
  return diagonalScorePairs(MLS_REFERENCE, a, b, indexA, indexB, out);
}

/** Reference-form MLS matrix, row-major N_A×N_B. */
export function mlsReferenceMatrix(a: GaussianBatch, b: GaussianBatch): Float64Array;
/** Writes into `out` (length must match, else DIMENSION_MISMATCH) and returns that same array. */
export function mlsReferenceMatrix<T extends ScoreArray>(a: GaussianBatch, b: GaussianBatch, out: T): T;
/** Forwarding form for an `out` that may be undefined: returns `out` or a new Float64Array. */
export function mlsReferenceMatrix(a: GaussianBatch, b: GaussianBatch, out?: ScoreArray): ScoreArray;
export function mlsReferenceMatrix(a: GaussianBatch, b: GaussianBatch, out?: ScoreArray): ScoreArray {
  return diagonalScoreMatrix(MLS_REFERENCE, a, b, out);
}

/** Reference-form MLS of one probe against each gallery row (length N). */
export function mlsReferenceScan(probe: GaussianEmbedding, gallery: GaussianBatch): Float64Array;
/** Writes into `out` (length must match, else DIMENSION_MISMATCH) and returns that same array. */
export function mlsReferenceScan<T extends ScoreArray>(probe: GaussianEmbedding, gallery: GaussianBatch, out: T): T;
/** Forwarding form for an `out` that may be undefined: returns `out` or a new Float64Array. */
export function mlsReferenceScan(probe: GaussianEmbedding, gallery: GaussianBatch, out?: ScoreArray): ScoreArray;
export function mlsReferenceScan(probe: GaussianEmbedding, gallery: GaussianBatch, out?: ScoreArray): ScoreArray {
  return diagonalScoreScan(MLS_REFERENCE, probe, gallery, out);
}
