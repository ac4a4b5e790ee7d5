import { PfeError } from './errors.js';
import { dotProductKernel } from './kernels/dot-product.js';
import {
  checkMeanBatchShape,
  checkMeanEmbeddingShape,
  checkMuRowSquaredNorm,
  checkPairIndices,
  checkSameDim,
  outputArray,
  type IndexArray,
  type MeanBatch,
  type MeanEmbedding,
  type ScoreArray,
} from './validate.js';
import { FIRST_ROWS, meanMatrixOnWasm, meanPairsOnWasm } from './wasm-ops.js';

/**
 * Cosine similarity of the means (the deterministic-embedding baseline; variances are
 * neither read nor checked). Result in [-1, 1] (clamped against rounding).
 * A zero mean vector has no direction: it is rejected with INVALID_ARGUMENT.
 */

/** Cosine similarity of two length-D mean vectors. */
export function cosineSimilarity(x: MeanEmbedding, y: MeanEmbedding): number {
  checkMeanEmbeddingShape(x, 'x');
  checkMeanEmbeddingShape(y, 'y');
  checkSameDim(x.dim, y.dim, 'x', 'y');
  const inverseNormX = inverseNorm(x.mu, 0, x.dim, 'x');
  const inverseNormY = inverseNorm(y.mu, 0, y.dim, 'y');
  const exact = (): number => dotProductKernel(x.mu, 0, y.mu, 0, x.dim);
  const cosine = (dot: number): number => clampUnit(dot * inverseNormX * inverseNormY);
  const single = new Float64Array(1);
  const one = (e: MeanEmbedding): MeanBatch => ({ count: 1, dim: e.dim, mu: e.mu });
  return meanPairsOnWasm('dot', one(x), one(y), FIRST_ROWS, FIRST_ROWS, cosine, exact, single) ? single[0]! : cosine(exact());
}

/** Cosine similarities of aligned pairs: out[k] = cos(A[indexA[k]], B[indexB[k]]), length K. */
export function cosinePairs(a: MeanBatch, b: MeanBatch, indexA: IndexArray, indexB: IndexArray): Float64Array;
/** Writes into `out` (length must match, else DIMENSION_MISMATCH) and returns that same array. */
export function cosinePairs<T extends ScoreArray>(a: MeanBatch, b: MeanBatch, indexA: IndexArray, indexB: IndexArray, out: T): T;
/** Forwarding form for an `out` that may be undefined: returns `out` or a new Float64Array. */
export function cosinePairs(a: MeanBatch, b: MeanBatch, indexA: IndexArray, indexB: IndexArray, out?: ScoreArray): ScoreArray;
export function cosinePairs(a: MeanBatch, b: MeanBatch, indexA: IndexArray, indexB: IndexArray, out?: ScoreArray): ScoreArray {
  checkMeanBatchShape(a, 'a');
  checkMeanBatchShape(b, 'b');
  checkSameDim(a.dim, b.dim, 'a', 'b');
  checkPairIndices(indexA, indexB, a.count, b.count);
  const result = outputArray(out, indexA.length);
  const inverseNormsA = inverseNormsOfRows(a, indexA, 'a');
  const inverseNormsB = inverseNormsOfRows(b, indexB, 'b');
  const dim = a.dim;
  const exact = (i: number, j: number): number => dotProductKernel(a.mu, i * dim, b.mu, j * dim, dim);
  const cosine = (dot: number, i: number, j: number): number => clampUnit(dot * inverseNormsA[i]! * inverseNormsB[j]!);
  if (meanPairsOnWasm('dot', a, b, indexA, indexB, cosine, exact, result)) return result;
  for (let k = 0; k < indexA.length; k++) {
    const i = indexA[k]!;
    const j = indexB[k]!;
    result[k] = cosine(exact(i, j), i, j);
  }
  return result;
}

/** Cosine similarity matrix, row-major N_A×N_B: out[i·N_B + j] = cos(A[i], B[j]). */
export function cosineMatrix(a: MeanBatch, b: MeanBatch): Float64Array;
/** Writes into `out` (length must match, else DIMENSION_MISMATCH) and returns that same array. */
export function cosineMatrix<T extends ScoreArray>(a: MeanBatch, b: MeanBatch, out: T): T;
/** Forwarding form for an `out` that may be undefined: returns `out` or a new Float64Array. */
export function cosineMatrix(a: MeanBatch, b: MeanBatch, out?: ScoreArray): ScoreArray;
export function cosineMatrix(a: MeanBatch, b: MeanBatch, out?: ScoreArray): ScoreArray {
  checkMeanBatchShape(a, 'a');
  checkMeanBatchShape(b, 'b');
  checkSameDim(a.dim, b.dim, 'a', 'b');
  const result = outputArray(out, a.count * b.count);
  const inverseNormsA = inverseNormsOfRows(a, undefined, 'a');
  const inverseNormsB = inverseNormsOfRows(b, undefined, 'b');
  const dim = a.dim;
  const countB = b.count;
  const exact = (i: number, j: number): number => dotProductKernel(a.mu, i * dim, b.mu, j * dim, dim);
  const cosine = (dot: number, i: number, j: number): number => clampUnit(dot * inverseNormsA[i]! * inverseNormsB[j]!);
  if (meanMatrixOnWasm('dot', a, b, cosine, exact, result)) return result;
  for (let i = 0; i < a.count; i++) {
    const scaleA = inverseNormsA[i]!;
    for (let j = 0; j < countB; j++) {
      result[i * countB + j] = clampUnit(dotProductKernel(a.mu, i * dim, b.mu, j * dim, dim) * scaleA * inverseNormsB[j]!);
    }
  }
  return result;
}

/** Cosine similarity of one probe against each of the N gallery rows (length N). */
export function cosineScan(probe: MeanEmbedding, gallery: MeanBatch): Float64Array;
/** Writes into `out` (length must match, else DIMENSION_MISMATCH) and returns that same array. */
export function cosineScan<T extends ScoreArray>(probe: MeanEmbedding, gallery: MeanBatch, out: T): T;
/** Forwarding form for an `out` that may be undefined: returns `out` or a new Float64Array. */
export function cosineScan(probe: MeanEmbedding, gallery: MeanBatch, out?: ScoreArray): ScoreArray;
export function cosineScan(probe: MeanEmbedding, gallery: MeanBatch, out?: ScoreArray): ScoreArray {
  checkMeanEmbeddingShape(probe, 'probe');
  return cosineMatrix({ count: 1, dim: probe.dim, mu: probe.mu }, gallery, out);
}

function clampUnit(value: number): number {
  return value > 1 ? 1 : value < -1 ? -1 : value;
}

/** 1/||row|| after checking the row is finite and not all zero. */
function inverseNorm(mu: Float32Array, row: number, dim: number, name: string): number {
  const squaredNorm = checkMuRowSquaredNorm(mu, row, dim, name);
  if (squaredNorm === 0) {
    throw new PfeError('INVALID_ARGUMENT', `${name}.mu[${row}] is all zero; cosine similarity is undefined`, { name, row });
  }
  return 1 / Math.sqrt(squaredNorm);
}

/** 1/||row|| for the rows in `indices` (all rows when undefined); other entries stay 0. */
function inverseNormsOfRows(batch: MeanBatch, indices: IndexArray | undefined, name: string): Float64Array {
  const inverseNorms = new Float64Array(batch.count);
  if (indices === undefined) {
    for (let row = 0; row < batch.count; row++) inverseNorms[row] = inverseNorm(batch.mu, row, batch.dim, name);
  } else {
    for (let k = 0; k < indices.length; k++) {
      const row = indices[k]!;
      if (inverseNorms[row] === 0) inverseNorms[row] = inverseNorm(batch.mu, row, batch.dim, name);
    }
  }
  return inverseNorms;
}
