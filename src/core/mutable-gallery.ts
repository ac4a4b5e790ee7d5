import { PfeError } from './errors.js';
import { scanShard, shardGeometry, type GalleryLayout, type ScanProbe, type ScoreSink, type ShardGeometry, type ShardScore } from './gallery-shard.js';
import { createKernelMemory, ensureMemoryBytes, instantiateKernels, wasmUnavailableReason, WASM_PAGE_BYTES, type KernelExports, type WasmMemory } from './kernels/wasm/wasm-runtime.js';
import { TopK, type ScoredRow } from './top-k.js';
import { checkMuRow, checkSigmaSqRow, VarianceRange } from './validate.js';

/**
 * A gallery of N rows (templates) that changes one row at a time and is scanned many
 * times: rows are checked once, when they enter, and kept as records in WebAssembly memory
 * shards (gallery-shard.ts) the wasm kernels scan in place. Removal moves the last row into
 * the hole, so rows stay dense. With `shared: true` the shards are SharedArrayBuffer-backed
 * memories that worker threads can scan (src/service/scan-pool.ts); a gallery itself is
 * single-threaded: change it only while no worker scans it.
 */
export interface MutableGalleryOptions {
  /** Shared memories (Node worker threads; browsers only when cross-origin isolated). */
  readonly shared?: boolean;
  /** Upper bound of one shard's memory in bytes (default 256 MiB). */
  readonly shardBytes?: number;
}

/** A shard as handed to a worker: its memory and how many rows it holds. */
export interface ShardHandle {
  readonly index: number;
  readonly memory: WasmMemory;
  readonly count: number;
}

interface Shard {
  readonly memory: WasmMemory;
  count: number;
  kernels: KernelExports | null | undefined;
}

/** The σ² (per row) the gallery takes: D values, one value (isotropic) or null (none). */
export type RowSigma = Float32Array | number | null;

/** Mutable gallery rows in WebAssembly memory; see MutableGalleryOptions. */
export class MutableGallery {
  readonly geometry: ShardGeometry;
  readonly shared: boolean;
  private readonly shards: Shard[] = [];
  private rows = 0;
  /** σ² range over every row ever added (a removal does not narrow it: conservative). */
  private readonly range = new VarianceRange();

  /** @param dim D @param layout how rows carry σ² */
  constructor(dim: number, layout: GalleryLayout, options: MutableGalleryOptions = {}) {
    if (!Number.isInteger(dim) || dim < 1) throw new PfeError('INVALID_ARGUMENT', `dim must be a positive integer, got ${dim}`, { dim });
    this.geometry = shardGeometry(dim, layout, options.shardBytes);
    this.shared = options.shared ?? false;
  }

  /** Number of rows N. */
  get count(): number {
    return this.rows;
  }

  /** Dimension D. */
  get dim(): number {
    return this.geometry.dim;
  }

  /** The σ² range of the rows (for the log block size and the wasm range check). */
  sigmaRange(): { min: number; max: number } {
    return this.geometry.layout === 'none' ? { min: 1, max: 1 } : { min: this.range.min, max: this.range.max };
  }

  /**
   * Appends one row after checking it (finite μ; σ² finite and > 0 in the gallery's layout).
   * @returns its row index
   * @throws PfeError DIMENSION_MISMATCH, NON_FINITE, NON_POSITIVE_VARIANCE
   */
  append(mu: Float32Array, sigmaSq: RowSigma, name = 'row'): number {
    this.checkRow(mu, sigmaSq, name);
    const row = this.rows;
    this.slotFor(row, true);
    this.write(row, mu, sigmaSq);
    this.rows++;
    return row;
  }

  /** Replaces row `row` after checking the new values (as append). */
  replace(row: number, mu: Float32Array, sigmaSq: RowSigma, name = 'row'): void {
    this.checkIndex(row);
    this.checkRow(mu, sigmaSq, name);
    this.write(row, mu, sigmaSq);
  }

  /**
   * Removes row `row`: the last row moves into its place.
   * @returns the former index of the row that moved into `row`, or −1 when `row` was last
   */
  remove(row: number): number {
    this.checkIndex(row);
    const last = this.rows - 1;
    if (row !== last) {
      const [from, fromAt] = this.slotFor(last, false);
      const [to, toAt] = this.slotFor(row, false);
      const bytes = this.geometry.recordBytes;
      new Uint8Array(to.memory.buffer, toAt, bytes).set(new Uint8Array(from.memory.buffer, fromAt, bytes));
    }
    this.rows--;
    const shard = this.shards[this.shards.length - 1]!;
    shard.count--;
    if (shard.count === 0 && this.shards.length > 1) this.shards.pop();
    return row === last ? -1 : last;
  }

  /** Copies of a row's μ and σ² (D values, one value or null by layout). */
  row(row: number): { mu: Float32Array; sigmaSq: RowSigma } {
    this.checkIndex(row);
    const [shard, at] = this.slotFor(row, false);
    const { dim, layout, sigmaOffset } = this.geometry;
    const mu = new Float32Array(shard.memory.buffer, at, dim).slice();
    if (layout === 'none') return { mu, sigmaSq: null };
    if (layout === 'isotropic') return { mu, sigmaSq: new Float32Array(shard.memory.buffer, at + sigmaOffset, 1)[0]! };
    return { mu, sigmaSq: new Float32Array(shard.memory.buffer, at + sigmaOffset, dim).slice() };
  }

  /** The shards (memory and row count), in row order; rows of shard i start at i·shardRows. */
  shardHandles(): ShardHandle[] {
    return this.shards.map((s, index) => ({ index, memory: s.memory, count: s.count }));
  }

  /**
   * Scores every row against a checked probe (see checkScanProbe), shard by shard on this
   * thread; sink receives gallery row offsets.
   */
  scan(probe: ScanProbe, score: ShardScore, sink: ScoreSink): void {
    const { shardRows } = this.geometry;
    const range = this.sigmaRange();
    this.shards.forEach((shard, i) => {
      scanShard(this.geometry, shard.memory, this.kernelsOf(shard), 0, 0, shard.count, probe, score, range, (first, values) => sink(i * shardRows + first, values));
    });
  }

  /** The k best rows for a checked probe, best first (ties: lower row first). */
  topK(probe: ScanProbe, score: ShardScore, k: number): ScoredRow[] {
    const top = new TopK(k);
    this.scan(probe, score, (first, values) => top.offerAll(values, first));
    return top.sorted();
  }

  private kernelsOf(shard: Shard): KernelExports | null {
    if (shard.kernels === undefined) shard.kernels = wasmUnavailableReason(this.shared) === null ? instantiateKernels(shard.memory, this.shared) : null;
    return shard.kernels;
  }

  private checkIndex(row: number): void {
    if (!Number.isInteger(row) || row < 0 || row >= this.rows) {
      throw new PfeError('INDEX_OUT_OF_RANGE', `row ${row} is outside 0..${this.rows - 1}`, { row, count: this.rows });
    }
  }

  private checkRow(mu: Float32Array, sigmaSq: RowSigma, name: string): void {
    const { dim, layout } = this.geometry;
    if (mu.length !== dim) throw new PfeError('DIMENSION_MISMATCH', `${name} has ${mu.length} means, the gallery D = ${dim}`, { name, length: mu.length, dim });
    checkMuRow(mu, 0, dim, name);
    const expected = layout === 'diagonal' ? 'Float32Array' : layout === 'isotropic' ? 'number' : 'null';
    const given = sigmaSq === null ? 'null' : typeof sigmaSq === 'number' ? 'number' : 'Float32Array';
    if (given !== expected) throw new PfeError('DIMENSION_MISMATCH', `${name}: a ${layout} gallery takes σ² as ${expected}, got ${given}`, { name, layout });
    if (sigmaSq instanceof Float32Array) {
      if (sigmaSq.length !== dim) throw new PfeError('DIMENSION_MISMATCH', `${name} has ${sigmaSq.length} variances, the gallery D = ${dim}`, { name, dim });
      checkSigmaSqRow(sigmaSq, 0, dim, name, this.range);
    } else if (typeof sigmaSq === 'number') {
      checkSigmaSqRow(new Float32Array([sigmaSq]), 0, 1, name, this.range);
    }
  }

  /** The shard and byte offset of a row; `grow` makes room for a new last row. */
  private slotFor(row: number, grow: boolean): [Shard, number] {
    const { shardRows, headerBytes, recordBytes } = this.geometry;
    const index = Math.floor(row / shardRows);
    const local = row - index * shardRows;
    if (grow) {
      if (index === this.shards.length) this.shards.push(this.newShard());
      const shard = this.shards[index]!;
      const needed = headerBytes + (local + 1) * recordBytes;
      const have = shard.memory.buffer.byteLength;
      // grow geometrically (×1.5, within the shard's bound) so appends cost amortised O(1)
      const target = needed <= have ? needed : Math.min(Math.max(needed, Math.ceil(have * 1.5)), headerBytes + shardRows * recordBytes);
      if (!ensureMemoryBytes(shard.memory, target)) throw new PfeError('INVALID_ARGUMENT', `cannot grow gallery shard ${index} to ${target} bytes`, { target });
      shard.count = local + 1;
    }
    return [this.shards[index]!, headerBytes + local * recordBytes];
  }

  private newShard(): Shard {
    const { headerBytes, recordBytes, shardRows } = this.geometry;
    const maximumPages = Math.ceil((headerBytes + shardRows * recordBytes) / WASM_PAGE_BYTES);
    const initialPages = Math.min(maximumPages, Math.ceil((headerBytes + 64 * recordBytes) / WASM_PAGE_BYTES));
    return { memory: createKernelMemory(initialPages, this.shared, maximumPages), count: 0, kernels: undefined };
  }

  private write(row: number, mu: Float32Array, sigmaSq: RowSigma): void {
    const [shard, at] = this.slotFor(row, false);
    const { dim, sigmaOffset, normOffset } = this.geometry;
    const buffer = shard.memory.buffer;
    new Float32Array(buffer, at, dim).set(mu);
    if (sigmaSq instanceof Float32Array) new Float32Array(buffer, at + sigmaOffset, dim).set(sigmaSq);
    else if (typeof sigmaSq === 'number') new Float32Array(buffer, at + sigmaOffset, 1)[0] = sigmaSq;
    let squaredNorm = 0;
    for (let l = 0; l < dim; l++) squaredNorm += mu[l]! * mu[l]!;
    new Float32Array(buffer, at + normOffset, 1)[0] = squaredNorm > 0 ? 1 / Math.sqrt(squaredNorm) : 0;
  }
}

/**
 * Checks a probe against a gallery of dimension D and reduces it for scanning.
 * @param sigmaSq D variances, or null (cosine only)
 * @throws PfeError DIMENSION_MISMATCH, NON_FINITE, NON_POSITIVE_VARIANCE
 */
export function checkScanProbe(mu: Float32Array, sigmaSq: Float32Array | null, dim: number, name = 'probe'): ScanProbe {
  if (mu.length !== dim) throw new PfeError('DIMENSION_MISMATCH', `${name} has ${mu.length} means, the gallery D = ${dim}`, { name, length: mu.length, dim });
  checkMuRow(mu, 0, dim, name);
  const range = new VarianceRange();
  let scalarSigmaSq: number | null = null;
  if (sigmaSq !== null) {
    if (sigmaSq.length !== dim) throw new PfeError('DIMENSION_MISMATCH', `${name} has ${sigmaSq.length} variances, the gallery D = ${dim}`, { name, dim });
    checkSigmaSqRow(sigmaSq, 0, dim, name, range);
    if (range.min === range.max) scalarSigmaSq = range.min;
  }
  let squaredNorm = 0;
  for (let l = 0; l < dim; l++) squaredNorm += mu[l]! * mu[l]!;
  return {
    mu,
    sigmaSq,
    scalarSigmaSq,
    inverseNorm: squaredNorm > 0 ? 1 / Math.sqrt(squaredNorm) : 0,
    minSigmaSq: sigmaSq === null ? 0 : range.min,
    maxSigmaSq: sigmaSq === null ? 0 : range.max,
  };
}

/** The wasm runtime a scan worker needs to attach to a shared gallery's memory (so callers outside the core do not reach into its kernels). */
export { instantiateKernels, wasmUnavailableReason, type WasmMemory } from './kernels/wasm/wasm-runtime.js';
