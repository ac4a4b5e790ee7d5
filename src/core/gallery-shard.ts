import type { DiagonalScoreDefinition } from './diagonal-score.js';
import { kernelBackend } from './kernel-backend.js';
import { logBlockSize } from './kernels/block-log.js';
import { dotProductKernel } from './kernels/dot-product.js';
import { squaredDistanceKernel } from './kernels/squared-distance.js';
import { wasmMlsHandles } from './kernels/wasm/batch-kernels.js';
import type { KernelExports, WasmMemory } from './kernels/wasm/wasm-runtime.js';
import { gaussianLogNormaliser, MLS_PAPER, MLS_REFERENCE } from './mls.js';

/**
 * One shard of a mutable gallery (mutable-gallery.ts): a WebAssembly memory holding gallery
 * rows as fixed-size records, and the scan of those rows by one probe. Kept apart from the
 * gallery's bookkeeping so a worker thread, handed the shard's shared memory, scans it with
 * exactly the code the owning thread uses.
 *
 * Memory layout (bytes): SCAN_SLOTS scan slots, each [probe μ: D f32][probe σ²: D f32]
 * [scores: SCAN_CHUNK f64], then the records. A record is [μ: D f32][σ²: D f32 (diagonal),
 * 1 f32 (isotropic) or none][1/‖μ‖ f32], padded to 16 bytes. Only one scan at a
 * time may use a slot; slot 0 belongs to the owning thread, slot 1 + w to worker w.
 */

/** How gallery rows carry σ²: one per dimension, one per row (a scalar-σ² head), or none. */
export type GalleryLayout = 'diagonal' | 'isotropic' | 'none';

/** Rows scored per kernel call: the scores of one call fit a slot (32 KiB of float64). */
export const SCAN_CHUNK = 4096;

/** Scan slots per shard: the owning thread's (0) and up to three workers' (1..3). */
export const SCAN_SLOTS = 4;

/** The byte geometry of a gallery's shards (every shard of a gallery shares it). */
export interface ShardGeometry {
  readonly dim: number;
  readonly layout: GalleryLayout;
  /** Bytes per record (a multiple of 16). */
  readonly recordBytes: number;
  /** Byte offset of σ² inside a record (4D). */
  readonly sigmaOffset: number;
  /** Byte offset of 1/‖μ‖ inside a record. */
  readonly normOffset: number;
  /** Bytes per scan slot. */
  readonly slotBytes: number;
  /** Bytes before the first record. */
  readonly headerBytes: number;
  /** Rows one shard holds at most. */
  readonly shardRows: number;
}

/** Default bound of one shard's memory: many shards, so rows spread over the workers. */
export const DEFAULT_SHARD_BYTES = 256 * 1024 * 1024;

function align16(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}

/** The geometry of shards of D-dimensional rows in `layout`, each at most `shardBytes`. */
export function shardGeometry(dim: number, layout: GalleryLayout, shardBytes = DEFAULT_SHARD_BYTES): ShardGeometry {
  const sigmaFloats = layout === 'diagonal' ? dim : layout === 'isotropic' ? 1 : 0;
  const recordBytes = align16(4 * (dim + sigmaFloats + 1));
  const slotBytes = 2 * align16(4 * dim) + 8 * SCAN_CHUNK;
  const headerBytes = SCAN_SLOTS * slotBytes;
  const shardRows = Math.max(1, Math.floor((shardBytes - headerBytes) / recordBytes));
  return { dim, layout, recordBytes, sigmaOffset: 4 * dim, normOffset: 4 * (dim + sigmaFloats), slotBytes, headerBytes, shardRows };
}

/** A probe checked and reduced to what every shard scan needs. */
export interface ScanProbe {
  readonly mu: Float32Array;
  /** D variances, or null for a probe without σ². */
  readonly sigmaSq: Float32Array | null;
  /** The probe's σ² when it is constant over dimensions, else null. */
  readonly scalarSigmaSq: number | null;
  readonly inverseNorm: number;
  readonly minSigmaSq: number;
  readonly maxSigmaSq: number;
}

/**
 * What a scan scores: the diagonal MLS of `definition` (paper or reference form, or any
 * other diagonal score in JS), the isotropic (scalar-σ²) MLS in paper form, or cosine.
 */
export type ShardScore =
  | { readonly kind: 'diagonal'; readonly definition: DiagonalScoreDefinition }
  | { readonly kind: 'isotropic' }
  | { readonly kind: 'cosine' };

/** A ShardScore by name, as sent to worker threads (functions do not cross threads). */
export type ShardScoreName = 'mls' | 'mls-reference' | 'isotropic' | 'cosine';

/** The ShardScore of a name. */
export function shardScoreOf(name: ShardScoreName): ShardScore {
  if (name === 'mls') return { kind: 'diagonal', definition: MLS_PAPER };
  if (name === 'mls-reference') return { kind: 'diagonal', definition: MLS_REFERENCE };
  return { kind: name };
}

/** The σ² range of a gallery's rows (min over rows, max over rows). */
export interface SigmaRange {
  readonly min: number;
  readonly max: number;
}

/** Receives scores of rows first .. first + values.length − 1 of a shard (a view valid during the call). */
export type ScoreSink = (first: number, values: Float64Array) => void;

/**
 * Scores rows start .. end − 1 of one shard against the probe, SCAN_CHUNK rows at a time,
 * with the wasm kernels when `kernels` is given and they handle the input, else with the
 * JavaScript kernels over the same records.
 */
export function scanShard(
  geometry: ShardGeometry,
  memory: WasmMemory,
  kernels: KernelExports | null,
  slot: number,
  start: number,
  end: number,
  probe: ScanProbe,
  score: ShardScore,
  range: SigmaRange,
  sink: ScoreSink,
): void {
  const { dim, recordBytes, headerBytes } = geometry;
  const slotBase = slot * geometry.slotBytes;
  const probeMu = slotBase;
  const probeSigma = slotBase + align16(4 * dim);
  const out = probeSigma + align16(4 * dim);
  const minSum = probe.minSigmaSq + range.min;
  const maxSum = probe.maxSigmaSq + range.max;
  const useWasm =
    kernels !== null &&
    kernelBackend() === 'wasm' &&
    (score.kind === 'cosine' ||
      (score.kind === 'isotropic' && probe.scalarSigmaSq !== null) ||
      (score.kind === 'diagonal' && score.definition.wasmKernel === 'mls-sum' && wasmMlsHandles(minSum, maxSum)));
  if (useWasm) {
    new Float32Array(memory.buffer, probeMu, dim).set(probe.mu);
    if (probe.sigmaSq !== null) new Float32Array(memory.buffer, probeSigma, dim).set(probe.sigmaSq);
  }
  const js = useWasm ? null : jsRowScorer(geometry, memory, probe, score, minSum, maxSum);
  const constant = gaussianLogNormaliser(dim);
  for (let first = start; first < end; first += SCAN_CHUNK) {
    const n = Math.min(SCAN_CHUNK, end - first);
    const base = headerBytes + first * recordBytes;
    if (js !== null) {
      const values = new Float64Array(n);
      for (let j = 0; j < n; j++) values[j] = js(first + j);
      sink(first, values);
      continue;
    }
    const k = kernels!;
    if (score.kind === 'cosine') k.cosine_records(probeMu, probe.inverseNorm, base, geometry.normOffset, recordBytes, n, dim, out);
    else if (score.kind === 'isotropic') {
      k.isotropic_records(probeMu, probe.scalarSigmaSq!, base, geometry.sigmaOffset, recordBytes, n, dim, constant, out);
    } else {
      const { definition } = score;
      k.mls_rows(probeMu, probeSigma, base, geometry.sigmaOffset, recordBytes, n, dim, definition.scale, definition.offset(dim), out);
    }
    const values = new Float64Array(memory.buffer, out, n);
    if (score.kind === 'diagonal') {
      // float32 overflow (means near float32's limit): that row again in float64
      let fix: ((row: number) => number) | null = null;
      for (let j = 0; j < n; j++) {
        if (!Number.isFinite(values[j]!)) values[j] = (fix ??= jsRowScorer(geometry, memory, probe, score, minSum, maxSum))(first + j);
      }
    }
    sink(first, values);
  }
}

/** A JavaScript scorer of one record (the fallback, and the test oracle of the wasm scan). */
function jsRowScorer(geometry: ShardGeometry, memory: WasmMemory, probe: ScanProbe, score: ShardScore, minSum: number, maxSum: number): (row: number) => number {
  const { dim, headerBytes, recordBytes } = geometry;
  const floats = new Float32Array(memory.buffer);
  const sigmas = new Float32Array(memory.buffer, geometry.sigmaOffset);
  const recordFloats = recordBytes / 4;
  const first = headerBytes / 4;
  const norm = geometry.normOffset / 4;
  if (score.kind === 'cosine') {
    return (row) => {
      const r = first + row * recordFloats;
      const c = dotProductKernel(probe.mu, 0, floats, r, dim) * probe.inverseNorm * floats[r + norm]!;
      return c > 1 ? 1 : c < -1 ? -1 : c;
    };
  }
  if (score.kind === 'isotropic') {
    const constant = gaussianLogNormaliser(dim);
    const sp = probe.sigmaSq!;
    return (row) => {
      const r = first + row * recordFloats;
      const s = floats[r + dim]!;
      if (probe.scalarSigmaSq !== null) {
        const total = probe.scalarSigmaSq + s;
        return -0.5 * (squaredDistanceKernel(probe.mu, 0, floats, r, dim) / total + dim * Math.log(total)) - constant;
      }
      // A probe whose σ² varies over dimensions against a scalar-σ² row: the diagonal MLS.
      let sum = 0;
      for (let l = 0; l < dim; l++) {
        const total = sp[l]! + s;
        const d = probe.mu[l]! - floats[r + l]!;
        sum += (d * d) / total + Math.log(total);
      }
      return -0.5 * sum - constant;
    };
  }
  const { kernel, scale } = score.definition;
  const offset = score.definition.offset(dim);
  const blockSize = logBlockSize(minSum, maxSum);
  return (row) => {
    const r = first + row * recordFloats;
    return scale * kernel(probe.mu, probe.sigmaSq!, 0, floats, sigmas, r, dim, blockSize) + offset;
  };
}
