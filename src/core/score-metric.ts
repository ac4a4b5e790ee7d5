import { cosineMatrix, cosinePairs, cosineScan, cosineSimilarity } from './cosine.js';
import { diagonalScoreMatrix, diagonalScorePair, diagonalScorePairs, diagonalScoreScan, type DiagonalScoreDefinition } from './diagonal-score.js';
import type { GaussianBatch, GaussianEmbedding } from './embedding.js';
import { PfeError } from './errors.js';
import { MLS_PENALTY_ONLY, MLS_WEIGHTING_ONLY } from './mls-ablation.js';
import { MLS_PAPER, MLS_REFERENCE } from './mls.js';
import type { IndexArray, ScoreArray } from './validate.js';

/** The two MLS forms: 'mls' = paper (−½Σ[...] − (D/2) log 2π), 'mls-reference' = reference code (−Σ[...]). */
export type MlsForm = 'mls' | 'mls-reference';

/**
 * Score names for the CLI and experiments. Higher always means "more likely the same
 * identity". 'weighting-only' and 'penalty-only' are the MLS ablation halves; 'cosine'
 * ignores the variances.
 */
export type ScoreMetric = MlsForm | 'weighting-only' | 'penalty-only' | 'cosine';

/** Every ScoreMetric, in the order used for help texts. */
export const SCORE_METRICS: readonly ScoreMetric[] = ['mls', 'mls-reference', 'weighting-only', 'penalty-only', 'cosine'];

const DIAGONAL_DEFINITIONS: Readonly<Record<Exclude<ScoreMetric, 'cosine'>, DiagonalScoreDefinition>> = {
  mls: MLS_PAPER,
  'mls-reference': MLS_REFERENCE,
  'weighting-only': MLS_WEIGHTING_ONLY,
  'penalty-only': MLS_PENALTY_ONLY,
};

/** True when `name` is a ScoreMetric. */
export function isScoreMetric(name: string): name is ScoreMetric {
  return (SCORE_METRICS as readonly string[]).includes(name);
}

/**
 * Parses a metric name (e.g. a CLI flag).
 * @throws PfeError INVALID_ARGUMENT listing the valid names.
 */
export function parseScoreMetric(name: string): ScoreMetric {
  if (!isScoreMetric(name)) {
    throw new PfeError('INVALID_ARGUMENT', `unknown score metric '${name}'; expected one of ${SCORE_METRICS.join(', ')}`, { name });
  }
  return name;
}

/** Score of one pair under `metric`. */
export function scorePair(metric: ScoreMetric, x: GaussianEmbedding, y: GaussianEmbedding): number {
  return metric === 'cosine' ? cosineSimilarity(x, y) : diagonalScorePair(definitionOf(metric), x, y);
}

/** Scores of aligned pairs under `metric` (length K). */
export function scorePairs(metric: ScoreMetric, a: GaussianBatch, b: GaussianBatch, indexA: IndexArray, indexB: IndexArray): Float64Array;
/** Writes into `out` (length must match, else DIMENSION_MISMATCH) and returns that same array. */
export function scorePairs<T extends ScoreArray>(metric: ScoreMetric, a: GaussianBatch, b: GaussianBatch, indexA: IndexArray, indexB: IndexArray, out: T): T;
/** Forwarding form for an `out` that may be undefined: returns `out` or a new Float64Array. */
export function scorePairs(metric: ScoreMetric, a: GaussianBatch, b: GaussianBatch, indexA: IndexArray, indexB: IndexArray, out?: ScoreArray): ScoreArray;
export function scorePairs(metric: ScoreMetric, a: GaussianBatch, b: GaussianBatch, indexA: IndexArray, indexB: IndexArray, out?: ScoreArray): ScoreArray {
  return metric === 'cosine' ? cosinePairs(a, b, indexA, indexB, out) : diagonalScorePairs(definitionOf(metric), a, b, indexA, indexB, out);
}

/** Score matrix under `metric`, row-major N_A×N_B. */
export function scoreMatrix(metric: ScoreMetric, a: GaussianBatch, b: GaussianBatch): Float64Array;
/** Writes into `out` (length must match, else DIMENSION_MISMATCH) and returns that same array. */
export function scoreMatrix<T extends ScoreArray>(metric: ScoreMetric, a: GaussianBatch, b: GaussianBatch, out: T): T;
/** Forwarding form for an `out` that may be undefined: returns `out` or a new Float64Array. */
export function scoreMatrix(metric: ScoreMetric, a: GaussianBatch, b: GaussianBatch, out?: ScoreArray): ScoreArray;
export function scoreMatrix(metric: ScoreMetric, a: GaussianBatch, b: GaussianBatch, out?: ScoreArray): ScoreArray {
  return metric === 'cosine' ? cosineMatrix(a, b, out) : diagonalScoreMatrix(definitionOf(metric), a, b, out);
}

/** Scores of one probe against each gallery row under `metric` (length N). */
export function scoreScan(metric: ScoreMetric, probe: GaussianEmbedding, gallery: GaussianBatch): Float64Array;
/** Writes into `out` (length must match, else DIMENSION_MISMATCH) and returns that same array. */
export function scoreScan<T extends ScoreArray>(metric: ScoreMetric, probe: GaussianEmbedding, gallery: GaussianBatch, out: T): T;
/** Forwarding form for an `out` that may be undefined: returns `out` or a new Float64Array. */
export function scoreScan(metric: ScoreMetric, probe: GaussianEmbedding, gallery: GaussianBatch, out?: ScoreArray): ScoreArray;
export function scoreScan(metric: ScoreMetric, probe: GaussianEmbedding, gallery: GaussianBatch, out?: ScoreArray): ScoreArray {
  return metric === 'cosine' ? cosineScan(probe, gallery, out) : diagonalScoreScan(definitionOf(metric), probe, gallery, out);
}

function definitionOf(metric: Exclude<ScoreMetric, 'cosine'>): DiagonalScoreDefinition {
  const definition = DIAGONAL_DEFINITIONS[metric];
  if (definition === undefined) parseScoreMetric(metric); // throws for names that bypassed the type
  return definition;
}
