/**
 * Shared setup of the LFW experiments with degraded copies: the View 2 pairs (optionally
 * only the first N folds, which keeps fold numbers and per-fold heads aligned), the image
 * files, and loading one version (clean or a ladder level) of the images a protocol needs.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FiveLandmarks } from '../face/types.js';
import type { BackboneName } from '../face/backbone/names.js';
import { loadImageSubset, type ImageTable } from './image-table.js';
import { parseLfwPairs } from './lfw-protocol.js';
import { indexPairs, type IndexedPairs } from './pair-verification.js';

/** Where the LFW images and their cached embeddings are. */
export interface LfwSetup {
  /** The LFW folder (pairs.txt, images/). */
  readonly lfwRoot: string;
  /** The pairs file inside lfwRoot (default 'pairs.txt', View 2; 'pairsDevTest.txt' is View 1's test set). */
  readonly pairsFile?: string;
  /** Use the pairs of folds 0..folds−1 only (default: all folds of the file). */
  readonly folds?: number;
  /** Embedding folders per ladder level (0 = clean); images missing there are embedded. */
  readonly folders?: ReadonlyMap<number, readonly string[]>;
  readonly landmarks?: ReadonlyMap<string, FiveLandmarks>;
  /** Base seed of the degradations (the cached level folders use 1). */
  readonly seed: number;
  readonly cacheDir?: string;
  readonly workers?: number;
  readonly needGrid?: boolean;
  /** Backbone of every image (default DEFAULT_BACKBONE); the folders must have been made with it. */
  readonly backbone?: BackboneName;
  readonly onProgress?: (label: string, finished: number, total: number) => void;
}

/** The View 2 pairs over K unique images. */
export interface LfwBase {
  readonly pairs: IndexedPairs;
  /** K paths relative to images/. */
  readonly paths: readonly string[];
  /** K image files. */
  readonly files: readonly string[];
}

/** Reads the pairs file and keeps the first `setup.folds` folds. */
export async function loadLfwBase(setup: LfwSetup): Promise<LfwBase> {
  const all = parseLfwPairs(await readFile(path.join(setup.lfwRoot, setup.pairsFile ?? 'pairs.txt'), 'utf8'));
  const folds = Math.min(setup.folds ?? Infinity, 1 + Math.max(...all.map((p) => p.fold)));
  const { paths, pairs } = indexPairs(
    all.filter((p) => p.fold < folds),
    folds,
  );
  return { pairs, paths, files: paths.map((p) => path.join(setup.lfwRoot, 'images', p)) };
}

/** Loads ladder level `level` (0 = clean) of the images flagged in `needed` (K flags). */
export async function loadLfwVersion(setup: LfwSetup, base: LfwBase, level: number, needed: Uint8Array): Promise<ImageTable> {
  return loadImageSubset(base.files, needed, {
    landmarkRoot: path.join(setup.lfwRoot, 'images'),
    ...(setup.folders?.get(level) === undefined ? {} : { folders: setup.folders.get(level)! }),
    ...(setup.landmarks === undefined ? {} : { landmarks: setup.landmarks }),
    ...(level === 0 ? {} : { degrade: `level:${level}`, seed: setup.seed }),
    ...(setup.cacheDir === undefined ? {} : { cacheDir: setup.cacheDir }),
    ...(setup.workers === undefined ? {} : { workers: setup.workers }),
    ...(setup.needGrid === true ? { needGrid: true } : {}),
    ...(setup.backbone === undefined ? {} : { backbone: setup.backbone }),
    ...(setup.onProgress === undefined ? {} : { onProgress: (f: number, t: number) => setup.onProgress!(`level ${level}`, f, t) }),
  });
}

/** K flags: the images used as the first (`which` = 'a') or second image of the pairs selected by `keep`. */
export function imagesOfPairs(base: LfwBase, keep: (pair: number) => boolean, which: 'a' | 'b' | 'both'): Uint8Array {
  const out = new Uint8Array(base.paths.length);
  for (let p = 0; p < base.pairs.a.length; p++) {
    if (!keep(p)) continue;
    if (which !== 'b') out[base.pairs.a[p]!] = 1;
    if (which !== 'a') out[base.pairs.b[p]!] = 1;
  }
  return out;
}
