/**
 * Per-image embeddings for an evaluation: taken from embedding folders written by
 * `pfe embed` when they hold the image (matched by absolute path, with the same
 * degradation), else embedded now through the per-image cache. Failed images stay in the
 * table (zero rows, flagged) so that their pairs can be counted as errors.
 */
import path from 'node:path';
import { PfeError } from '../core/errors.js';
import { deriveSeed } from '../core/random.js';
import { MU_FILE, POOLED_GLOBAL_FILE, POOLED_GRID_FILE } from '../io/embedding-folder.js';
import { readEmbeddingFolderIndex } from '../io/embedding-folder-index.js';
import { readMatrixNpyFile } from '../io/npy-file.js';
import { parseDegradeSpec } from '../face/degrade/spec.js';
import type { FiveLandmarks } from '../face/types.js';
import { EmbedCache } from '../face/pipeline/embed-cache.js';
import { type BackboneName, DEFAULT_BACKBONE } from '../face/backbone/names.js';
import { assertFolderUsable } from '../face/pipeline/embedding-folder-meta.js';
import { embedImages } from '../face/pipeline/embed-images.js';
import type { EmbedRequest } from '../face/pipeline/face-embedder.js';
import { fnv1a32, landmarkKey } from '../face/pipeline/image-files.js';

/** K images with their backbone outputs; row i belongs to paths[i]. */
export interface ImageTable {
  /** The image paths as requested. */
  readonly paths: readonly string[];
  readonly count: number;
  /** D. */
  readonly dim: number;
  /** K×D L2-normalised mu (zero rows for failed images). */
  readonly mu: Float32Array;
  /** C. */
  readonly channels: number;
  /** K×C raw global average of the last conv map (||row|| is the "raw mu norm" quality baseline). */
  readonly pooledGlobal: Float32Array;
  /** K×4C 2×2-pooled conv map, only when requested. */
  readonly pooledGrid2x2?: Float32Array;
  /** K flags, 1 = no embedding. */
  readonly failed: Uint8Array;
  /** Failed images with their reason. */
  readonly failures: { path: string; code: string; reason: string }[];
  /** K detector scores of the chosen face; NaN where landmarks were given or the image failed. */
  readonly detectorScore: Float64Array;
  /** How many images came from folders and how many were embedded now (or read from the per-image cache). */
  readonly provenance: { readonly fromFolders: number; readonly embedded: number };
}

/** Where the images of an ImageTable come from. */
export interface ImageTableOptions {
  /** Embedding folders of `pfe embed` to take images from (first match wins). */
  readonly folders?: readonly string[];
  /** Landmarks by key (see `landmarkRoot`); images without an entry go through the detector. */
  readonly landmarks?: ReadonlyMap<string, FiveLandmarks>;
  /** Landmark keys (and degradation seeds) are paths relative to this folder (default: last two path components). */
  readonly landmarkRoot?: string;
  /** Degradation spec as `pfe embed --degrade` takes it, e.g. 'level:3'; folders must have been embedded with the same spec and seed. */
  readonly degrade?: string;
  /** Base seed of the degradations (default 0), as `pfe embed --seed`. */
  readonly seed?: number;
  /** Per-image cache folder (default none). */
  readonly cacheDir?: string;
  /** Worker threads for embedding (default: one per core). */
  readonly workers?: number;
  /** Also load / keep the 2×2 pooled conv map (4× the size of pooled_global). */
  readonly needGrid?: boolean;
  /** Backbone of the table: embedding folders must have been made with it, missing images are embedded with it (default DEFAULT_BACKBONE). */
  readonly backbone?: BackboneName;
  readonly onProgress?: (finished: number, total: number) => void;
}

/**
 * Builds the table for `paths` (files, relative to the working directory or absolute).
 * @throws PfeError INVALID_ARGUMENT when a folder was embedded with a different degradation
 *   or seed; BACKBONE_MISMATCH / UNSUPPORTED_FORMAT for a folder of another backbone or pipeline; IO_ERROR / INVALID_FORMAT for unreadable folders; model load errors when images must be embedded
 */
export async function loadImageTable(paths: readonly string[], options: ImageTableOptions = {}): Promise<ImageTable> {
  const k = paths.length;
  const wantDegrade = options.degrade ?? null;
  const wantSeed = wantDegrade === null ? null : (options.seed ?? 0);
  const rowOf = new Map<string, number>();
  paths.forEach((p, i) => rowOf.set(path.resolve(p), i));

  let dim = 0;
  let channels = 0;
  let mu = new Float32Array(0);
  let pooledGlobal = new Float32Array(0);
  let pooledGrid: Float32Array | undefined;
  const failed = new Uint8Array(k);
  const found = new Uint8Array(k);
  const detectorScore = new Float64Array(k).fill(NaN);
  const failures: ImageTable['failures'] = [];
  const allocate = (d: number, c: number): void => {
    if (dim === 0) {
      dim = d;
      channels = c;
      mu = new Float32Array(k * d);
      pooledGlobal = new Float32Array(k * c);
      if (options.needGrid === true) pooledGrid = new Float32Array(k * 4 * c);
    } else if (d !== dim || c !== channels) {
      throw new PfeError('DIMENSION_MISMATCH', `embeddings of D=${d}, C=${c} cannot join a table of D=${dim}, C=${channels}`);
    }
  };
  let fromFolders = 0;
  for (const dir of options.folders ?? []) {
    const index = await readEmbeddingFolderIndex(dir);
    assertFolderUsable(index, dir, options.backbone ?? DEFAULT_BACKBONE);
    if ((index.degrade ?? null) !== wantDegrade || (index.seed ?? null) !== wantSeed) {
      throw new PfeError(
        'INVALID_ARGUMENT',
        `embedding folder ${dir} was made with degrade ${String(index.degrade ?? 'none')} seed ${String(index.seed ?? 'none')}; this evaluation needs degrade ${String(wantDegrade ?? 'none')} seed ${String(wantSeed ?? 'none')}`,
      );
    }
    const wanted = index.images.map((e) => rowOf.get(path.resolve(e.path)));
    if (!wanted.some((r) => r !== undefined && found[r] === 0)) continue;
    const [m, g, grid] = await Promise.all([
      readMatrixNpyFile(path.join(dir, MU_FILE)),
      readMatrixNpyFile(path.join(dir, POOLED_GLOBAL_FILE)),
      options.needGrid === true ? readMatrixNpyFile(path.join(dir, POOLED_GRID_FILE)) : Promise.resolve(undefined),
    ]);
    if (m.rows > 0) allocate(m.cols, g.cols);
    index.images.forEach((e, j) => {
      const r = wanted[j];
      if (r === undefined || found[r] === 1) return;
      found[r] = 1;
      fromFolders++;
      if (e.status !== 'ok' || e.row === undefined) {
        failed[r] = 1;
        failures.push({ path: paths[r]!, code: e.code ?? 'UNKNOWN', reason: e.reason ?? '' });
        return;
      }
      mu.set(m.data.subarray(e.row * m.cols, (e.row + 1) * m.cols), r * dim);
      pooledGlobal.set(g.data.subarray(e.row * g.cols, (e.row + 1) * g.cols), r * channels);
      if (grid !== undefined && pooledGrid !== undefined) pooledGrid.set(grid.data.subarray(e.row * grid.cols, (e.row + 1) * grid.cols), r * 4 * channels);
      if (typeof e.detectorScore === 'number') detectorScore[r] = e.detectorScore;
    });
  }
  options.onProgress?.(fromFolders, k);

  const todo: number[] = [];
  for (let r = 0; r < k; r++) if (found[r] === 0) todo.push(r);
  if (todo.length > 0) {
    const degrade = wantDegrade === null ? undefined : parseDegradeSpec(wantDegrade);
    const requests: EmbedRequest[] = todo.map((r) => {
      const file = paths[r]!;
      const key = landmarkKey(file, options.landmarkRoot);
      const l = options.landmarks?.get(key);
      return {
        path: file,
        ...(l === undefined ? {} : { landmarks: l }),
        // The same per-image seed as `pfe embed --degrade --seed`, so cached results are shared.
        ...(degrade === undefined ? {} : { degrade, seed: deriveSeed(wantSeed ?? 0, fnv1a32(key)) }),
      };
    });
    let done = fromFolders;
    const results = await embedImages(requests, {
      backbone: options.backbone ?? DEFAULT_BACKBONE,
      ...(options.cacheDir === undefined ? {} : { cache: new EmbedCache(options.cacheDir) }),
      ...(options.workers === undefined ? {} : { workers: options.workers }),
      onProgress: (n) => {
        done += n;
        options.onProgress?.(done, k);
      },
    });
    results.forEach((res, t) => {
      const r = todo[t]!;
      if (res.status !== 'ok') {
        failed[r] = 1;
        failures.push({ path: paths[r]!, code: res.code, reason: res.reason });
        return;
      }
      allocate(res.mu.length, res.pooledGlobal.length);
      mu.set(res.mu, r * dim);
      pooledGlobal.set(res.pooledGlobal, r * channels);
      if (pooledGrid !== undefined) pooledGrid.set(res.pooledGrid2x2, r * 4 * channels);
      if (res.detectorScore !== null) detectorScore[r] = res.detectorScore;
    });
  }
  return {
    paths,
    count: k,
    dim,
    mu,
    channels,
    pooledGlobal,
    ...(pooledGrid === undefined ? {} : { pooledGrid2x2: pooledGrid }),
    failed,
    failures,
    detectorScore,
    provenance: { fromFolders, embedded: todo.length },
  };
}

/** K L2 norms of the raw pooled conv features (the free "||raw mu||" quality signal); NaN for failed images. */
export function rawFeatureNorms(table: ImageTable): Float64Array {
  const out = new Float64Array(table.count);
  for (let i = 0; i < table.count; i++) {
    if (table.failed[i] === 1) {
      out[i] = NaN;
      continue;
    }
    let s = 0;
    const o = i * table.channels;
    for (let c = 0; c < table.channels; c++) s += table.pooledGlobal[o + c]! ** 2;
    out[i] = Math.sqrt(s);
  }
  return out;
}

/**
 * Loads a table of K images of which only those with `needed[i] = 1` are loaded (or
 * embedded); the others get zero rows flagged as failed but are not listed in `failures`
 * (no pair may use them). Saves embedding work when a protocol needs a subset per version.
 */
export async function loadImageSubset(paths: readonly string[], needed: Uint8Array, options: ImageTableOptions = {}): Promise<ImageTable> {
  const rows: number[] = [];
  for (let i = 0; i < paths.length; i++) if (needed[i] === 1) rows.push(i);
  const sub = await loadImageTable(
    rows.map((i) => paths[i]!),
    options,
  );
  const k = paths.length;
  const mu = new Float32Array(k * sub.dim);
  const pooledGlobal = new Float32Array(k * sub.channels);
  const grid = sub.pooledGrid2x2 === undefined ? undefined : new Float32Array(k * 4 * sub.channels);
  const failed = new Uint8Array(k).fill(1);
  const detectorScore = new Float64Array(k).fill(NaN);
  rows.forEach((i, r) => {
    mu.set(sub.mu.subarray(r * sub.dim, (r + 1) * sub.dim), i * sub.dim);
    pooledGlobal.set(sub.pooledGlobal.subarray(r * sub.channels, (r + 1) * sub.channels), i * sub.channels);
    if (grid !== undefined) grid.set(sub.pooledGrid2x2!.subarray(r * 4 * sub.channels, (r + 1) * 4 * sub.channels), i * 4 * sub.channels);
    failed[i] = sub.failed[r]!;
    detectorScore[i] = sub.detectorScore[r]!;
  });
  return { ...sub, paths, count: k, mu, pooledGlobal, ...(grid === undefined ? {} : { pooledGrid2x2: grid }), failed, detectorScore };
}
