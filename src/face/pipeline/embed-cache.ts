/**
 * A per-image cache of embedding results on disk, so an interrupted `pfe embed` resumes
 * where it stopped. One small JSON file per image, written atomically (temp file +
 * rename), keyed by a hash of everything the result depends on.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { PfeErrorCode } from '../../core/errors.js';
import type { FiveLandmarks } from '../types.js';
import type { EmbedRequest, EmbedResult, LandmarkSource } from './face-embedder.js';

/**
 * Version of the image→embedding chain; part of every key. Bump it when decoding,
 * detection, alignment or the backbone change, so stale entries are not reused
 * (2: faceres fed BGR minus the ImageNet means, as its authors do).
 */
export const PIPELINE_VERSION = 2;

/** Default per-image cache folder of `pfe embed`, `pfe eval` and the LFW scripts, relative to the working directory (git-ignored here). */
export const DEFAULT_EMBED_CACHE_DIR = path.join('.cache', 'embed');

/**
 * Version of the face detector; part of the key of requests without given landmarks only
 * (with landmarks the detector never runs, so those entries stay valid across detector
 * changes). 2: the multi-face detector with dlib's five points, BlazeFace + FaceMesh as fallback.
 */
export const DETECTOR_VERSION = 2;

/** What an embedding depends on besides the request itself. */
export interface CacheContext {
  /** Backbone name, e.g. 'faceres'. */
  readonly backbone: string;
  /** Model folder when not the default one (other weights, other embeddings); absent = default. */
  readonly modelsDir?: string;
  /** Pixel limit when not the decoder's default (it decides which images fail as too large); absent = default. */
  readonly maxPixels?: number;
}

/**
 * The cache key of a request: SHA-256 over the pipeline version, the backbone (and a
 * non-default model folder or pixel limit), the file's absolute path, size and modification
 * time, the landmarks, degradations and seed.
 * @throws PfeError-free: a missing file gives a key from its path alone (the embedding will then fail and be recorded).
 */
export async function cacheKey(request: EmbedRequest, context: CacheContext): Promise<string> {
  const absolute = path.resolve(request.path);
  let size = -1;
  let mtimeMs = -1;
  try {
    const s = await stat(absolute);
    size = s.size;
    mtimeMs = s.mtimeMs;
  } catch {
    // unreadable: keyed by path only; the failure result is cached like any other
  }
  const material = JSON.stringify({
    v: PIPELINE_VERSION,
    backbone: context.backbone,
    // Absent fields drop out of the JSON, so keys made before they existed stay valid.
    modelsDir: context.modelsDir === undefined ? undefined : path.resolve(context.modelsDir),
    maxPixels: context.maxPixels,
    path: absolute,
    size,
    mtimeMs,
    landmarks: request.landmarks ?? null,
    // Absent (undefined) with given landmarks, so those keys are unchanged.
    detector: request.landmarks === undefined ? DETECTOR_VERSION : undefined,
    degrade: request.degrade ?? [],
    seed: request.seed ?? 0,
  });
  return createHash('sha256').update(material).digest('hex');
}

function toBase64(a: Float32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

function fromBase64(s: string): Float32Array {
  const bytes = Buffer.from(s, 'base64');
  // Copy into a fresh, 4-byte aligned buffer.
  const out = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

interface StoredOk {
  status: 'ok';
  mu: string;
  pooledGlobal: string;
  pooledGrid2x2: string;
  landmarks: FiveLandmarks;
  landmarkSource: LandmarkSource;
  detectorScore: number | null;
  faceCount: number | null;
  imageWidth: number;
  imageHeight: number;
}

interface StoredFailed {
  status: 'failed';
  code: PfeErrorCode;
  reason: string;
}

/** Results that may change on a retry (a file being written, a transient read error) are not cached. */
function isCacheable(result: EmbedResult): boolean {
  return result.status === 'ok' || result.code !== 'IO_ERROR';
}

/** A folder of cached results. */
export class EmbedCache {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  private fileOf(key: string): string {
    return path.join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  /** The cached result for `key`, or undefined when absent or unreadable (then it is recomputed). */
  async get(key: string): Promise<EmbedResult | undefined> {
    let text: string;
    try {
      text = await readFile(this.fileOf(key), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const stored = JSON.parse(text) as StoredOk | StoredFailed;
      if (stored.status === 'failed') return { status: 'failed', code: stored.code, reason: stored.reason };
      return {
        status: 'ok',
        mu: fromBase64(stored.mu),
        pooledGlobal: fromBase64(stored.pooledGlobal),
        pooledGrid2x2: fromBase64(stored.pooledGrid2x2),
        landmarks: stored.landmarks,
        landmarkSource: stored.landmarkSource,
        detectorScore: stored.detectorScore,
        faceCount: stored.faceCount,
        imageWidth: stored.imageWidth,
        imageHeight: stored.imageHeight,
      };
    } catch {
      return undefined; // a torn or foreign file: recompute rather than fail the run
    }
  }

  /** Stores `result` under `key` atomically; transient failures are not stored. */
  async put(key: string, result: EmbedResult): Promise<void> {
    if (!isCacheable(result)) return;
    const stored: StoredOk | StoredFailed =
      result.status === 'failed'
        ? { status: 'failed', code: result.code, reason: result.reason }
        : {
            status: 'ok',
            mu: toBase64(result.mu),
            pooledGlobal: toBase64(result.pooledGlobal),
            pooledGrid2x2: toBase64(result.pooledGrid2x2),
            landmarks: result.landmarks,
            landmarkSource: result.landmarkSource,
            detectorScore: result.detectorScore,
            faceCount: result.faceCount,
            imageWidth: result.imageWidth,
            imageHeight: result.imageHeight,
          };
    const file = this.fileOf(key);
    await mkdir(path.dirname(file), { recursive: true });
    const temp = `${file}.${randomUUID()}.tmp`;
    await writeFile(temp, JSON.stringify(stored));
    await rename(temp, file);
  }
}
