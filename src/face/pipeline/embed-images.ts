/**
 * Embeds many images: answers what it can from the cache, splits the rest into
 * batches, and feeds them to one runner per core (worker threads), writing each
 * result to the cache as soon as it arrives so an interrupted run resumes.
 */
import { availableParallelism } from 'node:os';
import { PfeError } from '../../core/errors.js';
import { DEFAULT_BACKBONE } from '../backbone/registry.js';
import { type BatchRunner, InProcessRunner, WorkerRunner } from './batch-runner.js';
import { type CacheContext, type EmbedCache, cacheKey } from './embed-cache.js';
import type { EmbedRequest, EmbedResult, FaceEmbedderOptions } from './face-embedder.js';

/** Default images per batch: large enough to amortise a backbone call, small enough to keep both workers busy to the end. */
export const DEFAULT_EMBED_BATCH = 8;

/** Options of embedImages. */
export interface EmbedImagesOptions extends FaceEmbedderOptions {
  /** Worker threads; 0 runs in this thread. Default: one per core, but no more than there are batches. */
  readonly workers?: number;
  /** Where results are cached (none when absent). */
  readonly cache?: EmbedCache;
  /** Called after each finished image (cached ones first, all at once). */
  readonly onProgress?: (finished: number) => void;
  /** Called once with the number of results answered from the cache. */
  readonly onCacheHits?: (count: number) => void;
}

/**
 * Embeds every request; failures are results, not exceptions.
 * @returns one EmbedResult per request, in order
 * @throws PfeError only when the models cannot be loaded or a worker dies
 */
export async function embedImages(requests: readonly EmbedRequest[], options: EmbedImagesOptions = {}): Promise<EmbedResult[]> {
  const results: (EmbedResult | undefined)[] = new Array(requests.length).fill(undefined);
  const keys: string[] = [];
  // The backbone, a non-default model folder or pixel limit change the results, so they are part of the key.
  const context: CacheContext = {
    backbone: options.backbone ?? DEFAULT_BACKBONE,
    ...(options.modelsDir === undefined ? {} : { modelsDir: options.modelsDir }),
    ...(options.maxPixels === undefined ? {} : { maxPixels: options.maxPixels }),
  };
  if (options.cache !== undefined) {
    let cached = 0;
    for (let i = 0; i < requests.length; i++) {
      const key = await cacheKey(requests[i]!, context);
      keys.push(key);
      const hit = await options.cache.get(key);
      if (hit !== undefined) {
        results[i] = hit;
        cached++;
      }
    }
    if (cached > 0) options.onProgress?.(cached);
    options.onCacheHits?.(cached);
  }
  const todo: number[] = [];
  for (let i = 0; i < requests.length; i++) if (results[i] === undefined) todo.push(i);
  if (todo.length > 0) {
    const batchSize = options.batchSize ?? DEFAULT_EMBED_BATCH;
    const batches: number[][] = [];
    for (let s = 0; s < todo.length; s += batchSize) batches.push(todo.slice(s, s + batchSize));
    const workers = options.workers ?? Math.min(availableParallelism(), batches.length);
    if (!Number.isInteger(workers) || workers < 0) throw new PfeError('INVALID_ARGUMENT', `workers must be an integer ≥ 0, got ${workers}`, { workers });
    const { workers: _w, cache: _c, onProgress: _p, onCacheHits: _h, ...embedderOptions } = options;
    const runners: BatchRunner[] =
      workers === 0 ? [await InProcessRunner.start(embedderOptions)] : await Promise.all(Array.from({ length: workers }, () => WorkerRunner.start(embedderOptions)));
    let next = 0;
    const drive = async (runner: BatchRunner): Promise<void> => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        const out = await runner.run(batch.map((i) => requests[i]!));
        for (let k = 0; k < batch.length; k++) {
          const i = batch[k]!;
          results[i] = out[k]!;
          if (options.cache !== undefined) await options.cache.put(keys[i]!, out[k]!);
        }
        options.onProgress?.(batch.length);
      }
    };
    try {
      await Promise.all(runners.map(drive));
    } finally {
      await Promise.all(runners.map((r) => r.close()));
    }
  }
  return results as EmbedResult[];
}
