import type { DiagonalScoreDefinition } from './diagonal-score.js';
import type { GaussianBatch } from './embedding.js';
import { kernelBackend } from './kernel-backend.js';
import { wasmMeanPairs, wasmMeanRows, wasmMlsHandles, wasmMlsPairs, wasmMlsRows, type MeanKernel } from './kernels/wasm/batch-kernels.js';
import type { IndexArray, MeanBatch, ScoreArray } from './validate.js';

/**
 * The ops' hand-off to the wasm backend, after their checks: each function computes on
 * wasm when the backend is 'wasm' and the kernel handles the input, writes `out` and returns
 * true; else it returns false and the op runs its JavaScript loop. Shapes as in the ops.
 */

/** Index arrays of the single pair (row 0, row 0): the one-pair ops go through the pair kernels, so every form scores a pair alike. */
export const FIRST_ROWS = new Int32Array(1);

/** True when `definition` has a wasm kernel and the variance sums lie in its range. */
function diagonalOnWasm(definition: DiagonalScoreDefinition, minSum: number, maxSum: number): boolean {
  return definition.wasmKernel === 'mls-sum' && kernelBackend() === 'wasm' && wasmMlsHandles(minSum, maxSum);
}

/**
 * Full matrix of a diagonal score: out[i·N_B + j]. Entries the float32 kernel could not
 * represent (non-finite: means near float32's limit) are recomputed by the JS kernel.
 */
export function diagonalMatrixOnWasm(
  definition: DiagonalScoreDefinition,
  a: GaussianBatch,
  b: GaussianBatch,
  minSum: number,
  maxSum: number,
  blockSize: number,
  out: ScoreArray,
): boolean {
  if (!diagonalOnWasm(definition, minSum, maxSum)) return false;
  const { kernel, scale } = definition;
  const dim = a.dim;
  const offset = definition.offset(dim);
  const countB = b.count;
  return wasmMlsRows(a.mu, a.sigmaSq, a.count, b.mu, b.sigmaSq, countB, dim, scale, offset, (i, values) => {
    const base = i * countB;
    out.set(values, base);
    for (let j = 0; j < countB; j++) {
      if (!Number.isFinite(values[j]!)) out[base + j] = scale * kernel(a.mu, a.sigmaSq, i * dim, b.mu, b.sigmaSq, j * dim, dim, blockSize) + offset;
    }
  });
}

/** Aligned pairs of a diagonal score: out[k] (see diagonalMatrixOnWasm). */
export function diagonalPairsOnWasm(
  definition: DiagonalScoreDefinition,
  a: GaussianBatch,
  b: GaussianBatch,
  indexA: IndexArray,
  indexB: IndexArray,
  minSum: number,
  maxSum: number,
  blockSize: number,
  out: ScoreArray,
): boolean {
  if (!diagonalOnWasm(definition, minSum, maxSum)) return false;
  const { kernel, scale } = definition;
  const dim = a.dim;
  const offset = definition.offset(dim);
  return wasmMlsPairs(a.mu, a.sigmaSq, b.mu, b.sigmaSq, dim, indexA, indexB, scale, offset, (k0, values) => {
    out.set(values, k0);
    for (let k = 0; k < values.length; k++) {
      if (!Number.isFinite(values[k]!)) {
        out[k0 + k] = scale * kernel(a.mu, a.sigmaSq, indexA[k0 + k]! * dim, b.mu, b.sigmaSq, indexB[k0 + k]! * dim, dim, blockSize) + offset;
      }
    }
  });
}

/**
 * A mean-only kernel (dot product or squared distance) over every pair of rows, mapped to
 * scores: out[i·N_B + j] = score(raw, i, j). The wasm sums run in float32 lanes, which
 * overflow when |μ| nears float32's limit: a non-finite raw value is recomputed by
 * `exact(i, j)` (the JS kernel, float64).
 */
export function meanMatrixOnWasm(
  kernel: MeanKernel,
  a: MeanBatch,
  b: MeanBatch,
  score: (raw: number, i: number, j: number) => number,
  exact: (i: number, j: number) => number,
  out: ScoreArray,
): boolean {
  if (kernelBackend() !== 'wasm') return false;
  const countB = b.count;
  return wasmMeanRows(kernel, a.mu, a.count, b.mu, countB, a.dim, (i, values) => {
    const base = i * countB;
    for (let j = 0; j < countB; j++) {
      const raw = values[j]!;
      out[base + j] = score(Number.isFinite(raw) ? raw : exact(i, j), i, j);
    }
  });
}

/** A mean-only kernel over aligned pairs: out[k] = score(raw, indexA[k], indexB[k]) (see meanMatrixOnWasm). */
export function meanPairsOnWasm(
  kernel: MeanKernel,
  a: MeanBatch,
  b: MeanBatch,
  indexA: IndexArray,
  indexB: IndexArray,
  score: (raw: number, i: number, j: number) => number,
  exact: (i: number, j: number) => number,
  out: ScoreArray,
): boolean {
  if (kernelBackend() !== 'wasm') return false;
  return wasmMeanPairs(kernel, a.mu, b.mu, a.dim, indexA, indexB, (k0, values) => {
    for (let k = 0; k < values.length; k++) {
      const i = indexA[k0 + k]!;
      const j = indexB[k0 + k]!;
      const raw = values[k]!;
      out[k0 + k] = score(Number.isFinite(raw) ? raw : exact(i, j), i, j);
    }
  });
}
