/**
 * The part every backbone's `embed` shares: check the request, run the network one batch
 * at a time, and assemble the rows (L2-normalised mu, pooled features of the last conv map,
 * the map itself when asked). A backbone supplies only its one-batch forward pass.
 */
import { PfeError } from '../../core/errors.js';
import type { RgbImage } from '../types.js';
import type { BackboneOutput, ConvFeatureMap, EmbedOptions } from './backbone.js';
import { adaptiveAveragePool, globalAveragePool, l2NormalizeRows } from './feature-pooling.js';

/** What one forward pass over B faces gives. */
export interface BatchForward {
  /** B×D raw (not normalised) descriptors, row-major. */
  readonly descriptor: Float32Array;
  /** The last conv map, B×H×W×C row-major (NHWC). */
  readonly map: Float32Array;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** B×C global average of the map when the network computes it itself (faceres' descriptor); else it is computed here. */
  readonly pooledGlobal?: Float32Array;
}

/** What `embedInBatches` needs of a backbone. */
export interface BatchedNetwork {
  /** Name for messages, e.g. 'dlib'. */
  readonly name: string;
  /** D, the descriptor length. */
  readonly dim: number;
  /** C, the channels of the last conv map. */
  readonly channels: number;
  /** Faces per forward pass when the caller names none. */
  readonly defaultBatchSize: number;
  /** One forward pass; frees every tensor it made. */
  forward(faces: readonly RgbImage[]): Promise<BatchForward>;
}

/** Checks a batch size. @throws PfeError INVALID_ARGUMENT unless a positive integer */
export function checkBatchSize(batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new PfeError('INVALID_ARGUMENT', `batchSize must be a positive integer, got ${batchSize}`, { batchSize });
}

/**
 * Embeds `faces` in batches of `options.batchSize` (default the network's) and returns the
 * rows in input order.
 * @throws PfeError EMPTY_INPUT (no face), INVALID_ARGUMENT (bad batch size), MODEL_LOAD_FAILED
 *   (the network gave another D or C than it declares), and the forward pass's errors
 */
export async function embedInBatches(net: BatchedNetwork, faces: readonly RgbImage[], options: EmbedOptions = {}): Promise<BackboneOutput> {
  if (faces.length === 0) throw new PfeError('EMPTY_INPUT', 'no face to embed');
  const batchSize = options.batchSize ?? net.defaultBatchSize;
  checkBatchSize(batchSize);
  const { dim, channels } = net;
  const n = faces.length;
  const raw = new Float32Array(n * dim);
  const pooledGlobal = new Float32Array(n * channels);
  const pooledGrid2x2 = new Float32Array(n * 4 * channels);
  let convAll: Float32Array | undefined;
  let mapShape = { height: 0, width: 0, channels };
  for (let start = 0; start < n; start += batchSize) {
    const batch = faces.slice(start, start + batchSize);
    const out = await net.forward(batch);
    if (out.channels !== channels || out.descriptor.length !== batch.length * dim) {
      throw new PfeError('MODEL_LOAD_FAILED', `${net.name} gave ${out.descriptor.length / batch.length}-d descriptors and a ${out.channels}-channel map, expected ${dim} and ${channels}`);
    }
    mapShape = { height: out.height, width: out.width, channels };
    const shape = { count: batch.length, ...mapShape };
    raw.set(out.descriptor, start * dim);
    pooledGlobal.set(out.pooledGlobal ?? globalAveragePool(out.map, shape), start * channels);
    pooledGrid2x2.set(adaptiveAveragePool(out.map, shape, 2, 2), start * 4 * channels);
    if (options.convMap === true) {
      const plane = out.height * out.width * channels;
      convAll ??= new Float32Array(n * plane);
      convAll.set(out.map, start * plane);
    }
  }
  const convMap: ConvFeatureMap | undefined = convAll === undefined ? undefined : { data: convAll, count: n, ...mapShape };
  return {
    count: n,
    dim,
    mu: l2NormalizeRows(raw, dim),
    features: { ...(convMap === undefined ? {} : { convMap }), pooledGlobal, pooledGrid2x2, channels },
  };
}
