import { createKernelMemory, ensureMemoryBytes, instantiateKernels, MEAN_KERNEL, type KernelExports, type WasmMemory } from './wasm-runtime.js';

/**
 * The wasm backend of the score ops on caller-owned batches (matrix, scan, pairs): copies
 * the operands into one scratch memory per thread, runs a kernel of kernels.wat and hands
 * back float64 results a row (or a chunk of pairs) at a time. Raw: no input checks, the ops
 * check first. Each function returns false when the operands do not fit in a 4 GiB wasm
 * memory, and the op then uses its JavaScript kernel.
 */

/**
 * Variance sums σ²_a + σ²_b the wasm MLS kernel accepts: it multiplies two float32 sums and
 * splits the product into exponent and mantissa by its bits, which needs a normal float32
 * product (2^-126 .. 2^128); sums in 2^±60 keep it within 2^±120, with headroom for
 * rounding. Outside (extreme variances), the JS kernel runs.
 */
export const WASM_MLS_MIN_VARIANCE_SUM = 2 ** -60;
/** See WASM_MLS_MIN_VARIANCE_SUM. */
export const WASM_MLS_MAX_VARIANCE_SUM = 2 ** 60;

/** True when the wasm MLS kernel handles every variance sum in [minSum, maxSum]. */
export function wasmMlsHandles(minSum: number, maxSum: number): boolean {
  return minSum >= WASM_MLS_MIN_VARIANCE_SUM && maxSum <= WASM_MLS_MAX_VARIANCE_SUM;
}

/** Pairs scored per kernel call (bounds the scratch taken by outputs and indices). */
const PAIR_CHUNK = 65536;

interface Scratch {
  readonly memory: WasmMemory;
  readonly kernels: KernelExports;
}

let scratch: Scratch | undefined;

function scratchMemory(): Scratch {
  if (scratch === undefined) {
    const memory = createKernelMemory(16, false);
    scratch = { memory, kernels: instantiateKernels(memory, false) };
  }
  return scratch;
}

/** Byte offsets of consecutive 16-byte-aligned regions of the given sizes, and the total. */
function layout(sizes: readonly number[]): { offsets: number[]; total: number } {
  const offsets: number[] = [];
  let at = 0;
  for (const size of sizes) {
    offsets.push(at);
    at += Math.ceil(size / 16) * 16;
  }
  return { offsets, total: at };
}

/** The scratch with room for `regions` (bytes each), or undefined when it cannot grow that far. */
function reserve(regions: readonly number[]): { kernels: KernelExports; memory: WasmMemory; offsets: number[] } | undefined {
  const { memory, kernels } = scratchMemory();
  const { offsets, total } = layout(regions);
  if (!ensureMemoryBytes(memory, total)) return undefined;
  return { kernels, memory, offsets };
}

/** Receives the float64 results of row i of A against every row of B (a view, valid during the call). */
export type RowSink = (i: number, values: Float64Array) => void;

/** Receives the float64 results of pairs k0 .. k0 + values.length − 1 (a view, valid during the call). */
export type ChunkSink = (k0: number, values: Float64Array) => void;

/** Copies a float32 array into the scratch at byte offset `at`. */
function put(memory: WasmMemory, at: number, values: Float32Array): void {
  new Float32Array(memory.buffer, at, values.length).set(values);
}

/**
 * scale·S(A[i], B[j]) + offset for every i, j (S: the MLS distance sum of kernels/mls-sum.ts),
 * row by row. Operands N×D row-major; variance sums must pass wasmMlsHandles. A non-finite
 * value means float32 overflowed (|Δμ| near float32's limit): recompute it in JS.
 */
export function wasmMlsRows(
  muA: Float32Array,
  sA: Float32Array,
  countA: number,
  muB: Float32Array,
  sB: Float32Array,
  countB: number,
  dim: number,
  scale: number,
  offset: number,
  sink: RowSink,
): boolean {
  const region = reserve([4 * countA * dim, 4 * countA * dim, 4 * countB * dim, 4 * countB * dim, 8 * countB]);
  if (region === undefined) return false;
  const { kernels, memory, offsets } = region;
  const [am, as, bm, bs, out] = offsets as [number, number, number, number, number];
  put(memory, am, muA);
  put(memory, as, sA);
  put(memory, bm, muB);
  put(memory, bs, sB);
  const values = new Float64Array(memory.buffer, out, countB);
  const rowBytes = 4 * dim;
  for (let i = 0; i < countA; i++) {
    kernels.mls_rows(am + i * rowBytes, as + i * rowBytes, bm, bs - bm, rowBytes, countB, dim, scale, offset, out);
    sink(i, values);
  }
  return true;
}

/** scale·S(A[ia[k]], B[ib[k]]) + offset for every pair k, in chunks (see wasmMlsRows). */
export function wasmMlsPairs(
  muA: Float32Array,
  sA: Float32Array,
  muB: Float32Array,
  sB: Float32Array,
  dim: number,
  ia: Int32Array | Uint32Array,
  ib: Int32Array | Uint32Array,
  scale: number,
  offset: number,
  sink: ChunkSink,
): boolean {
  const chunk = Math.min(PAIR_CHUNK, ia.length);
  const region = reserve([4 * muA.length, 4 * sA.length, 4 * muB.length, 4 * sB.length, 4 * chunk, 4 * chunk, 8 * chunk]);
  if (region === undefined) return false;
  const { kernels, memory, offsets } = region;
  const [am, as, bm, bs, pa, pb, out] = offsets as [number, number, number, number, number, number, number];
  put(memory, am, muA);
  put(memory, as, sA);
  put(memory, bm, muB);
  put(memory, bs, sB);
  for (let k0 = 0; k0 < ia.length; k0 += chunk) {
    const count = Math.min(chunk, ia.length - k0);
    new Int32Array(memory.buffer, pa, count).set(ia.subarray(k0, k0 + count));
    new Int32Array(memory.buffer, pb, count).set(ib.subarray(k0, k0 + count));
    kernels.mls_pairs(am, as - am, bm, bs - bm, 4 * dim, pa, pb, count, dim, scale, offset, out);
    sink(k0, new Float64Array(memory.buffer, out, count));
  }
  return true;
}

/** Which mean-only kernel: the dot product or the squared Euclidean distance. */
export type MeanKernel = keyof typeof MEAN_KERNEL;

/** kernel(A[i], B[j]) of the means for every i, j, row by row (float32 lanes, float64 sums). */
export function wasmMeanRows(kernel: MeanKernel, muA: Float32Array, countA: number, muB: Float32Array, countB: number, dim: number, sink: RowSink): boolean {
  const region = reserve([4 * countA * dim, 4 * countB * dim, 8 * countB]);
  if (region === undefined) return false;
  const { kernels, memory, offsets } = region;
  const [am, bm, out] = offsets as [number, number, number];
  put(memory, am, muA);
  put(memory, bm, muB);
  const values = new Float64Array(memory.buffer, out, countB);
  for (let i = 0; i < countA; i++) {
    kernels.mean_rows(MEAN_KERNEL[kernel], am + i * 4 * dim, bm, 4 * dim, countB, dim, out);
    sink(i, values);
  }
  return true;
}

/** kernel(A[ia[k]], B[ib[k]]) of the means for every pair k, in chunks. */
export function wasmMeanPairs(
  kernel: MeanKernel,
  muA: Float32Array,
  muB: Float32Array,
  dim: number,
  ia: Int32Array | Uint32Array,
  ib: Int32Array | Uint32Array,
  sink: ChunkSink,
): boolean {
  const chunk = Math.min(PAIR_CHUNK, ia.length);
  const region = reserve([4 * muA.length, 4 * muB.length, 4 * chunk, 4 * chunk, 8 * chunk]);
  if (region === undefined) return false;
  const { kernels, memory, offsets } = region;
  const [am, bm, pa, pb, out] = offsets as [number, number, number, number, number];
  put(memory, am, muA);
  put(memory, bm, muB);
  for (let k0 = 0; k0 < ia.length; k0 += chunk) {
    const count = Math.min(chunk, ia.length - k0);
    new Int32Array(memory.buffer, pa, count).set(ia.subarray(k0, k0 + count));
    new Int32Array(memory.buffer, pb, count).set(ib.subarray(k0, k0 + count));
    kernels.mean_pairs(MEAN_KERNEL[kernel], am, bm, 4 * dim, pa, pb, count, dim, out);
    sink(k0, new Float64Array(memory.buffer, out, count));
  }
  return true;
}
