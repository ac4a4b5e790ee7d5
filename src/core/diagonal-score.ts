import type { GaussianBatch, GaussianEmbedding } from './embedding.js';
import { logBlockSize } from './kernels/block-log.js';
import {
  asOneRowBatch,
  checkBatchShape,
  checkEmbeddingShape,
  checkGaussianRows,
  checkMuRow,
  checkPairIndices,
  checkSameDim,
  checkSigmaSqRow,
  outputArray,
  VarianceRange,
  type IndexArray,
  type ScoreArray,
} from './validate.js';
import { diagonalMatrixOnWasm, diagonalPairsOnWasm, FIRST_ROWS } from './wasm-ops.js';

/**
 * The op layer shared by every score between two diagonal Gaussians (MLS in both forms
 * and its two ablation halves): checks the input, picks the log block size from the
 * variance range, and loops a raw pair kernel over a single pair, aligned pairs or a
 * full matrix. Scores are float64 until they are stored into `out`.
 */

/**
 * A raw pair kernel: a float64 sum over D dimensions of rows a0.. of A and b0.. of B
 * (see kernels/mls-sum.ts for the argument contract).
 */
export type DiagonalPairKernel = (
  muA: Float32Array,
  sA: Float32Array,
  a0: number,
  muB: Float32Array,
  sB: Float32Array,
  b0: number,
  dim: number,
  blockSize: number,
) => number;

/** A score defined as scale · kernel(pair) + offset(D). */
export interface DiagonalScoreDefinition {
  /** The metric name, for messages and the CLI. */
  readonly name: string;
  readonly kernel: DiagonalPairKernel;
  readonly scale: number;
  /** Additive constant depending only on D (e.g. -(D/2) log 2π for the paper's MLS). */
  readonly offset: (dim: number) => number;
  /** The wasm kernel computing the same sum as `kernel` (wasm-ops.ts), if there is one. */
  readonly wasmKernel?: 'mls-sum';
}

/** Score of one pair of embeddings. */
export function diagonalScorePair(definition: DiagonalScoreDefinition, x: GaussianEmbedding, y: GaussianEmbedding): number {
  checkEmbeddingShape(x, 'x');
  checkEmbeddingShape(y, 'y');
  checkSameDim(x.dim, y.dim, 'x', 'y');
  const rangeX = new VarianceRange();
  const rangeY = new VarianceRange();
  checkMuRow(x.mu, 0, x.dim, 'x');
  checkSigmaSqRow(x.sigmaSq, 0, x.dim, 'x', rangeX);
  checkMuRow(y.mu, 0, y.dim, 'y');
  checkSigmaSqRow(y.sigmaSq, 0, y.dim, 'y', rangeY);
  const blockSize = logBlockSize(rangeX.min + rangeY.min, rangeX.max + rangeY.max);
  const single = new Float64Array(1);
  if (diagonalPairsOnWasm(definition, asOneRowBatch(x), asOneRowBatch(y), FIRST_ROWS, FIRST_ROWS, rangeX.min + rangeY.min, rangeX.max + rangeY.max, blockSize, single)) {
    return single[0]!;
  }
  return definition.scale * definition.kernel(x.mu, x.sigmaSq, 0, y.mu, y.sigmaSq, 0, x.dim, blockSize) + definition.offset(x.dim);
}

/**
 * Scores of aligned pairs: out[k] = score(A[indexA[k]], B[indexB[k]]), k = 0..K-1.
 * Only the rows that are referenced are checked, each once.
 */
export function diagonalScorePairs(
  definition: DiagonalScoreDefinition,
  a: GaussianBatch,
  b: GaussianBatch,
  indexA: IndexArray,
  indexB: IndexArray,
): Float64Array;
/** Writes into `out` (length must match, else DIMENSION_MISMATCH) and returns that same array. */
export function diagonalScorePairs<T extends ScoreArray>(
  definition: DiagonalScoreDefinition,
  a: GaussianBatch,
  b: GaussianBatch,
  indexA: IndexArray,
  indexB: IndexArray,
  out: T,
): T;
/** Forwarding form for an `out` that may be undefined: returns `out` or a new Float64Array. */
export function diagonalScorePairs(
  definition: DiagonalScoreDefinition,
  a: GaussianBatch,
  b: GaussianBatch,
  indexA: IndexArray,
  indexB: IndexArray,
  out?: ScoreArray,
): ScoreArray;
export function diagonalScorePairs(
  definition: DiagonalScoreDefinition,
  a: GaussianBatch,
  b: GaussianBatch,
  indexA: IndexArray,
  indexB: IndexArray,
  out?: ScoreArray,
): ScoreArray {
  checkBatchShape(a, 'a');
  checkBatchShape(b, 'b');
  checkSameDim(a.dim, b.dim, 'a', 'b');
  checkPairIndices(indexA, indexB, a.count, b.count);
  const result = outputArray(out, indexA.length);
  const rangeA = checkReferencedRows(a, indexA, 'a');
  const rangeB = checkReferencedRows(b, indexB, 'b');
  const blockSize = logBlockSize(rangeA.min + rangeB.min, rangeA.max + rangeB.max);
  if (diagonalPairsOnWasm(definition, a, b, indexA, indexB, rangeA.min + rangeB.min, rangeA.max + rangeB.max, blockSize, result)) return result;
  const { kernel, scale } = definition;
  const dim = a.dim;
  const offset = definition.offset(dim);
  for (let k = 0; k < indexA.length; k++) {
    result[k] = scale * kernel(a.mu, a.sigmaSq, indexA[k]! * dim, b.mu, b.sigmaSq, indexB[k]! * dim, dim, blockSize) + offset;
  }
  return result;
}

/** Full score matrix: out[i·N_B + j] = score(A[i], B[j]), row-major N_A×N_B. */
export function diagonalScoreMatrix(definition: DiagonalScoreDefinition, a: GaussianBatch, b: GaussianBatch): Float64Array;
/** Writes into `out` (length must match, else DIMENSION_MISMATCH) and returns that same array. */
export function diagonalScoreMatrix<T extends ScoreArray>(definition: DiagonalScoreDefinition, a: GaussianBatch, b: GaussianBatch, out: T): T;
/** Forwarding form for an `out` that may be undefined: returns `out` or a new Float64Array. */
export function diagonalScoreMatrix(definition: DiagonalScoreDefinition, a: GaussianBatch, b: GaussianBatch, out?: ScoreArray): ScoreArray;
export function diagonalScoreMatrix(definition: DiagonalScoreDefinition, a: GaussianBatch, b: GaussianBatch, out?: ScoreArray): ScoreArray {
  checkBatchShape(a, 'a');
  checkBatchShape(b, 'b');
  checkSameDim(a.dim, b.dim, 'a', 'b');
  const result = outputArray(out, a.count * b.count);
  const rangeA = new VarianceRange();
  const rangeB = new VarianceRange();
  checkGaussianRows(a, 'a', rangeA);
  checkGaussianRows(b, 'b', rangeB);
  const blockSize = logBlockSize(rangeA.min + rangeB.min, rangeA.max + rangeB.max);
  if (diagonalMatrixOnWasm(definition, a, b, rangeA.min + rangeB.min, rangeA.max + rangeB.max, blockSize, result)) return result;
  for (let i = 0; i < a.count; i++) scoreRowAgainstBatch(definition, a.mu, a.sigmaSq, i * a.dim, b, blockSize, result, i * b.count);
  return result;
}

/**
 * Raw loop, no checks: out[outOffset + j] = score(row at x0 of (mu, sigmaSq), B[j]) for
 * j = 0..N_B−1. The row and B are already checked and blockSize fits both.
 */
export function scoreRowAgainstBatch(
  definition: DiagonalScoreDefinition,
  mu: Float32Array,
  sigmaSq: Float32Array,
  x0: number,
  b: GaussianBatch,
  blockSize: number,
  out: ScoreArray,
  outOffset: number,
): void {
  const { kernel, scale } = definition;
  const dim = b.dim;
  const offset = definition.offset(dim);
  for (let j = 0; j < b.count; j++) {
    out[outOffset + j] = scale * kernel(mu, sigmaSq, x0, b.mu, b.sigmaSq, j * dim, dim, blockSize) + offset;
  }
}

/** Scores of one probe against every row of a gallery (a 1×N matrix). */
export function diagonalScoreScan(definition: DiagonalScoreDefinition, probe: GaussianEmbedding, gallery: GaussianBatch): Float64Array;
/** Writes into `out` (length must match, else DIMENSION_MISMATCH) and returns that same array. */
export function diagonalScoreScan<T extends ScoreArray>(definition: DiagonalScoreDefinition, probe: GaussianEmbedding, gallery: GaussianBatch, out: T): T;
/** Forwarding form for an `out` that may be undefined: returns `out` or a new Float64Array. */
export function diagonalScoreScan(definition: DiagonalScoreDefinition, probe: GaussianEmbedding, gallery: GaussianBatch, out?: ScoreArray): ScoreArray;
export function diagonalScoreScan(definition: DiagonalScoreDefinition, probe: GaussianEmbedding, gallery: GaussianBatch, out?: ScoreArray): ScoreArray {
  checkEmbeddingShape(probe, 'probe');
  return diagonalScoreMatrix(definition, asOneRowBatch(probe), gallery, out);
}

/** Checks each referenced row once (a per-call mark array, not per pair). */
function checkReferencedRows(batch: GaussianBatch, indices: IndexArray, name: string): VarianceRange {
  const range = new VarianceRange();
  const checked = new Uint8Array(batch.count);
  for (let k = 0; k < indices.length; k++) {
    const row = indices[k]!;
    if (checked[row] === 1) continue;
    checkMuRow(batch.mu, row, batch.dim, name);
    checkSigmaSqRow(batch.sigmaSq, row, batch.dim, name, range);
    checked[row] = 1;
  }
  return range;
}
