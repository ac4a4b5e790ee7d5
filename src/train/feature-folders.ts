/**
 * Cached backbone features (folders written by `pfe embed`) as training and evaluation data:
 * rows matched across folders by image key (the last two path components, `Person/Person_0001.jpg`
 * in LFW), identity = the image's folder name.
 */
import path from 'node:path';
import { PfeError } from '../core/errors.js';
import type { HeadInputKind } from '../head/head-model.js';
import { MU_FILE, POOLED_GLOBAL_FILE, POOLED_GRID_FILE } from '../io/embedding-folder.js';
import { readEmbeddingFolderIndex } from '../io/embedding-folder-index.js';
import { readMatrixNpyFile } from '../io/npy-file.js';
import { assertFolderUsable, folderBackbone } from '../face/pipeline/embedding-folder-meta.js';
import type { SamplerData } from './sampler.js';
import type { TrainingSet } from './train-run.js';

/** One embedding folder: mu and one head-input kind, indexed by image key. */
export interface FeatureFolder {
  readonly dir: string;
  readonly inputKind: HeadInputKind;
  /** Row (in mu / features) of each successfully embedded image key. */
  readonly rowOfKey: ReadonlyMap<string, number>;
  /** N×D L2-normalised mu. */
  readonly mu: Float32Array;
  readonly muDim: number;
  /** N×C head input. */
  readonly features: Float32Array;
  readonly inputDim: number;
  /** The folder's index.json metadata (degrade spec, seed, ...), without the image list. */
  readonly meta: Readonly<Record<string, unknown>>;
}

/** `.npy` file holding each input kind in an embedding folder. */
export const FEATURE_FILE: Readonly<Record<HeadInputKind, string>> = { mu: MU_FILE, pooled_global: POOLED_GLOBAL_FILE, pooled_grid2x2: POOLED_GRID_FILE };

/** The key of an image path: its last two components joined by '/'. */
export function imageKey(p: string): string {
  const parts = p.split(/[\\/]/);
  return parts.slice(-2).join('/');
}

/** The identity of an image key: its folder name. */
export function identityOfKey(key: string): string {
  return key.split('/')[0]!;
}

/**
 * Loads an embedding folder; index.json must exist (it is written last, so its presence
 * says the .npy files are complete).
 * @throws PfeError IO_ERROR, INVALID_FORMAT, DIMENSION_MISMATCH
 */
export async function loadFeatureFolder(dir: string, inputKind: HeadInputKind): Promise<FeatureFolder> {
  const index = await readEmbeddingFolderIndex(dir);
  const mu = await readMatrixNpyFile(path.join(dir, MU_FILE));
  const features = inputKind === 'mu' ? mu : await readMatrixNpyFile(path.join(dir, FEATURE_FILE[inputKind]));
  if (features.rows !== mu.rows) throw new PfeError('DIMENSION_MISMATCH', `${dir}: ${FEATURE_FILE[inputKind]} has ${features.rows} rows, mu.npy ${mu.rows}`);
  const rowOfKey = new Map<string, number>();
  for (const img of index.images) {
    if (img.status !== 'ok' || img.row === undefined) continue;
    if (img.row < 0 || img.row >= mu.rows) throw new PfeError('INVALID_FORMAT', `${dir}/index.json: row ${img.row} of ${img.path} is outside the ${mu.rows} rows`);
    rowOfKey.set(imageKey(img.path), img.row);
  }
  const { images: _images, ...meta } = index;
  assertFolderUsable(meta, dir, folderBackbone(meta));
  return { dir, inputKind, rowOfKey, mu: mu.data, muDim: mu.cols, features: features.data, inputDim: features.cols, meta };
}

/**
 * A training set from a clean folder and degraded copies of the same images: the images
 * of the allowed identities (all when `identities` is absent), clean rows first, then one
 * row per degraded copy found in each variant folder.
 */
export function buildTrainingSet(clean: FeatureFolder, variants: readonly FeatureFolder[], identities?: ReadonlySet<string>, description: Record<string, unknown> = {}): TrainingSet {
  const backbone = folderBackbone(clean.meta);
  for (const v of variants) {
    assertFolderUsable(v.meta, v.dir, backbone);
    if (v.inputDim !== clean.inputDim || v.muDim !== clean.muDim || v.inputKind !== clean.inputKind) {
      throw new PfeError('DIMENSION_MISMATCH', `variant folder ${v.dir} has other feature sizes than ${clean.dir}`);
    }
  }
  const keys = [...clean.rowOfKey.keys()].filter((k) => identities === undefined || identities.has(identityOfKey(k))).sort();
  if (keys.length === 0) throw new PfeError('EMPTY_INPUT', `no image of the requested identities in ${clean.dir}`);
  const idOf = new Map<string, number>();
  const imagesOfIdentity: number[][] = [];
  const sources: { folder: FeatureFolder; row: number }[] = [];
  const cleanRow = new Int32Array(keys.length);
  keys.forEach((key, img) => {
    const name = identityOfKey(key);
    let id = idOf.get(name);
    if (id === undefined) {
      id = imagesOfIdentity.length;
      idOf.set(name, id);
      imagesOfIdentity.push([]);
    }
    imagesOfIdentity[id]!.push(img);
    cleanRow[img] = sources.length;
    sources.push({ folder: clean, row: clean.rowOfKey.get(key)! });
  });
  const degradedRows: number[][] = keys.map(() => []);
  for (const v of variants) {
    keys.forEach((key, img) => {
      const row = v.rowOfKey.get(key);
      if (row === undefined) return;
      degradedRows[img]!.push(sources.length);
      sources.push({ folder: v, row });
    });
  }
  const c = clean.inputDim;
  const d = clean.muDim;
  const features = new Float32Array(sources.length * c);
  const mu = new Float32Array(sources.length * d);
  sources.forEach((s, r) => {
    features.set(s.folder.features.subarray(s.row * c, (s.row + 1) * c), r * c);
    mu.set(s.folder.mu.subarray(s.row * d, (s.row + 1) * d), r * d);
  });
  const sampler: SamplerData = { imagesOfIdentity: imagesOfIdentity.map((a) => Int32Array.from(a)), cleanRow, degradedRows: degradedRows.map((a) => Int32Array.from(a)) };
  return {
    backbone,
    inputKind: clean.inputKind,
    inputDim: c,
    muDim: d,
    features,
    mu,
    sampler,
    description: { ...description, images: keys.length, identities: imagesOfIdentity.length, degradedCopies: sources.length - keys.length, clean: clean.dir, variants: variants.map((v) => ({ dir: v.dir, degrade: v.meta['degrade'] ?? null, seed: v.meta['seed'] ?? null })) },
  };
}
