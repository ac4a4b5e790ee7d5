import type { GaussianBatch, GaussianEmbedding } from './embedding.js';
import { PfeError } from './errors.js';
import { squaredDistanceKernel } from './kernels/squared-distance.js';
import { gaussianLogNormaliser } from './mls.js';
import {
  checkDim,
  checkMeanBatchShape,
  checkMeanEmbeddingShape,
  checkMuRow,
  checkPairIndices,
  checkSameDim,
  outputArray,
  type IndexArray,
  type MeanBatch,
  type ScoreArray,
} from './validate.js';
import { FIRST_ROWS, meanMatrixOnWasm, meanPairsOnWasm } from './wasm-ops.js';

/**
 * Isotropic MLS: one scalar variance per embedding (sigma² I). With s = s1 + s2 the
 * diagonal MLS collapses to the closed form
 *   −½ [ ||Δμ||² / s + D log s ] − (D/2) log 2π,
 * one log per pair and a plain squared distance (it equals mutualLikelihoodScore on
 * embeddings whose sigma² rows are constant).
 */

/** N means (N×D row-major) with one variance per row (length N). */
export interface IsotropicBatch {
  readonly count: number;
  readonly dim: number;
  readonly mu: Float32Array;
  /** One variance per row, length N, finite and > 0. */
  readonly sigmaSq: Float32Array;
}

/** One mean vector of length D with a scalar variance. */
export interface IsotropicEmbedding {
  readonly dim: number;
  readonly mu: Float32Array;
  readonly sigmaSq: number;
}

/**
 * Builds a validated IsotropicBatch.
 * @param mu N×D row-major means. @param sigmaSq N per-row variances (> 0). @param dim D.
 */
export function isotropicBatch(mu: Float32Array, sigmaSq: Float32Array, dim: number): IsotropicBatch {
  checkDim(dim, 'batch');
  if (mu.length % dim !== 0) {
    throw new PfeError('DIMENSION_MISMATCH', `mu has ${mu.length} values, not a multiple of dim ${dim}`, { muLength: mu.length, dim });
  }
  const batch: IsotropicBatch = { count: mu.length / dim, dim, mu, sigmaSq };
  rowVariances(batch, 'batch');
  for (let row = 0; row < batch.count; row++) checkMuRow(mu, row, dim, 'batch');
  return batch;
}

/** Isotropic MLS (paper scaling, nats) of one pair; a GaussianEmbedding must have constant sigma². */
export function isotropicMutualLikelihoodScore(x: GaussianEmbedding | IsotropicEmbedding, y: GaussianEmbedding | IsotropicEmbedding): number {
  checkMeanEmbeddingShape(x, 'x');
  checkMeanEmbeddingShape(y, 'y');
  checkSameDim(x.dim, y.dim, 'x', 'y');
  checkMuRow(x.mu, 0, x.dim, 'x');
  checkMuRow(y.mu, 0, y.dim, 'y');
  const sx = scalarVariance(x, 'x');
  const sy = scalarVariance(y, 'y');
  const exact = (): number => squaredDistanceKernel(x.mu, 0, y.mu, 0, x.dim);
  const score = (squaredDistance: number): number => isotropicScore(squaredDistance, sx + sy, x.dim, gaussianLogNormaliser(x.dim));
  const single = new Float64Array(1);
  const one = (e: GaussianEmbedding | IsotropicEmbedding): MeanBatch => ({ count: 1, dim: e.dim, mu: e.mu });
  return meanPairsOnWasm('squaredDistance', one(x), one(y), FIRST_ROWS, FIRST_ROWS, score, exact, single) ? single[0]! : score(exact());
}

/** Isotropic MLS of aligned pairs: out[k] = score(A[indexA[k]], B[indexB[k]]), length K. */
export function isotropicMlsPairs(a: GaussianBatch | IsotropicBatch, b: GaussianBatch | IsotropicBatch, indexA: IndexArray, indexB: IndexArray): Float64Array;
/** Writes into `out` (length must match, else DIMENSION_MISMATCH) and returns that same array. */
export function isotropicMlsPairs<T extends ScoreArray>(
  a: GaussianBatch | IsotropicBatch,
  b: GaussianBatch | IsotropicBatch,
  indexA: IndexArray,
  indexB: IndexArray,
  out: T,
): T;
/** Forwarding form for an `out` that may be undefined: returns `out` or a new Float64Array. */
export function isotropicMlsPairs(
  a: GaussianBatch | IsotropicBatch,
  b: GaussianBatch | IsotropicBatch,
  indexA: IndexArray,
  indexB: IndexArray,
  out?: ScoreArray,
): ScoreArray;
export function isotropicMlsPairs(
  a: GaussianBatch | IsotropicBatch,
  b: GaussianBatch | IsotropicBatch,
  indexA: IndexArray,
  indexB: IndexArray,
  out?: ScoreArray,
): ScoreArray {
  checkMeanBatchShape(a, 'a');
  checkMeanBatchShape(b, 'b');
  checkSameDim(a.dim, b.dim, 'a', 'b');
  checkPairIndices(indexA, indexB, a.count, b.count);
  const result = outputArray(out, indexA.length);
  const sa = rowVariances(a, 'a');
  const sb = rowVariances(b, 'b');
  checkAllMuRows(a, 'a');
  checkAllMuRows(b, 'b');
  const dim = a.dim;
  const constant = gaussianLogNormaliser(dim);
  const exact = (i: number, j: number): number => squaredDistanceKernel(a.mu, i * dim, b.mu, j * dim, dim);
  const score = (squaredDistance: number, i: number, j: number): number => isotropicScore(squaredDistance, sa[i]! + sb[j]!, dim, constant);
  if (meanPairsOnWasm('squaredDistance', a, b, indexA, indexB, score, exact, result)) return result;
  for (let k = 0; k < indexA.length; k++) {
    const i = indexA[k]!;
    const j = indexB[k]!;
    result[k] = score(exact(i, j), i, j);
  }
  return result;
}

/** Isotropic MLS matrix, row-major N_A×N_B. */
export function isotropicMlsMatrix(a: GaussianBatch | IsotropicBatch, b: GaussianBatch | IsotropicBatch): Float64Array;
/** Writes into `out` (length must match, else DIMENSION_MISMATCH) and returns that same array. */
export function isotropicMlsMatrix<T extends ScoreArray>(a: GaussianBatch | IsotropicBatch, b: GaussianBatch | IsotropicBatch, out: T): T;
/** Forwarding form for an `out` that may be undefined: returns `out` or a new Float64Array. */
export function isotropicMlsMatrix(a: GaussianBatch | IsotropicBatch, b: GaussianBatch | IsotropicBatch, out?: ScoreArray): ScoreArray;
export function isotropicMlsMatrix(a: GaussianBatch | IsotropicBatch, b: GaussianBatch | IsotropicBatch, out?: ScoreArray): ScoreArray {
  checkMeanBatchShape(a, 'a');
  checkMeanBatchShape(b, 'b');
  checkSameDim(a.dim, b.dim, 'a', 'b');
  const result = outputArray(out, a.count * b.count);
  const sa = rowVariances(a, 'a');
  const sb = rowVariances(b, 'b');
  checkAllMuRows(a, 'a');
  checkAllMuRows(b, 'b');
  const dim = a.dim;
  const constant = gaussianLogNormaliser(dim);
  const countB = b.count;
  const exact = (i: number, j: number): number => squaredDistanceKernel(a.mu, i * dim, b.mu, j * dim, dim);
  const score = (squaredDistance: number, i: number, j: number): number => isotropicScore(squaredDistance, sa[i]! + sb[j]!, dim, constant);
  if (meanMatrixOnWasm('squaredDistance', a, b, score, exact, result)) return result;
  for (let i = 0; i < a.count; i++) {
    for (let j = 0; j < countB; j++) result[i * countB + j] = score(exact(i, j), i, j);
  }
  return result;
}

/** Isotropic MLS of one probe against each of the N gallery rows (length N). */
export function isotropicMlsScan(probe: GaussianEmbedding | IsotropicEmbedding, gallery: GaussianBatch | IsotropicBatch): Float64Array;
/** Writes into `out` (length must match, else DIMENSION_MISMATCH) and returns that same array. */
export function isotropicMlsScan<T extends ScoreArray>(probe: GaussianEmbedding | IsotropicEmbedding, gallery: GaussianBatch | IsotropicBatch, out: T): T;
/** Forwarding form for an `out` that may be undefined: returns `out` or a new Float64Array. */
export function isotropicMlsScan(probe: GaussianEmbedding | IsotropicEmbedding, gallery: GaussianBatch | IsotropicBatch, out?: ScoreArray): ScoreArray;
export function isotropicMlsScan(probe: GaussianEmbedding | IsotropicEmbedding, gallery: GaussianBatch | IsotropicBatch, out?: ScoreArray): ScoreArray {
  checkMeanEmbeddingShape(probe, 'probe');
  const s = scalarVariance(probe, 'probe');
  return isotropicMlsMatrix({ count: 1, dim: probe.dim, mu: probe.mu, sigmaSq: new Float32Array([s]) }, gallery, out);
}

/**
 * The per-row variances of a batch: the array itself for an IsotropicBatch (length N),
 * or the constant value of each row of a GaussianBatch (length N·D).
 * @throws PfeError DIMENSION_MISMATCH, NON_FINITE, NON_POSITIVE_VARIANCE, or INVALID_ARGUMENT
 *   when a GaussianBatch row is not constant.
 */
export function rowVariances(batch: GaussianBatch | IsotropicBatch, name: string): Float32Array {
  checkMeanBatchShape(batch, name);
  const { count, dim, sigmaSq } = batch;
  if (sigmaSq.length === count) {
    for (let row = 0; row < count; row++) checkVariance(sigmaSq[row]!, `${name}.sigmaSq[${row}]`);
    return sigmaSq;
  }
  if (sigmaSq.length !== count * dim) {
    throw new PfeError('DIMENSION_MISMATCH', `${name}.sigmaSq has ${sigmaSq.length} values, expected N = ${count} or N×D = ${count * dim}`, {
      name,
      length: sigmaSq.length,
    });
  }
  const perRow = new Float32Array(count);
  for (let row = 0; row < count; row++) {
    const start = row * dim;
    const first = sigmaSq[start]!;
    for (let l = 0; l < dim; l++) {
      const v = sigmaSq[start + l]!;
      checkVariance(v, `${name}.sigmaSq[${row}][${l}]`);
      if (v !== first) {
        throw new PfeError('INVALID_ARGUMENT', `${name}.sigmaSq row ${row} is not constant (column ${l}: ${v} ≠ ${first}); use the diagonal MLS`, {
          name,
          row,
          column: l,
        });
      }
    }
    perRow[row] = first;
  }
  return perRow;
}

function isotropicScore(squaredDistance: number, s: number, dim: number, constant: number): number {
  return -0.5 * (squaredDistance / s + dim * Math.log(s)) - constant;
}

function scalarVariance(x: GaussianEmbedding | IsotropicEmbedding, name: string): number {
  if (typeof x.sigmaSq === 'number') {
    checkVariance(x.sigmaSq, `${name}.sigmaSq`);
    return x.sigmaSq;
  }
  return rowVariances({ count: 1, dim: x.dim, mu: x.mu, sigmaSq: x.sigmaSq }, name)[0]!;
}

function checkVariance(v: number, where: string): void {
  if (!Number.isFinite(v)) throw new PfeError('NON_FINITE', `${where} is ${v}; every value must be finite`, { where, value: v });
  if (!(v > 0)) throw new PfeError('NON_POSITIVE_VARIANCE', `${where} is ${v}; variances must be > 0`, { where, value: v });
}

function checkAllMuRows(batch: { count: number; dim: number; mu: Float32Array }, name: string): void {
  for (let row = 0; row < batch.count; row++) checkMuRow(batch.mu, row, batch.dim, name);
}
