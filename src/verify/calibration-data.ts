/**
 * Reading a `pfe embed` cache of LFW for calibration: identities from folder names,
 * seeded impostor and genuine pairs, and the service's embeddings of every row (with the
 * head's σ² when a head is given). Shared by build-calibration.ts and check-calibration.ts.
 */
import path from 'node:path';
import { PfeError } from '../core/errors.js';
import { SeededRandom } from '../core/random.js';
import { initBackend } from '../face/runtime/tfjs-runtime.js';
import { assertFolderUsable } from '../face/pipeline/embedding-folder-meta.js';
import { MU_FILE } from '../io/embedding-folder.js';
import { type EmbeddingFolderIndex, readEmbeddingFolderIndex } from '../io/embedding-folder-index.js';
import { readMatrixNpyFile } from '../io/npy-file.js';
import { type HeadBinding, loadHeadBinding, serviceEmbeddings, type ServiceEmbeddings } from '../head/head-binding.js';

/** A loaded cache. */
export interface CalibrationData {
  readonly index: EmbeddingFolderIndex;
  /** Identity of each row (≥ 0), or −2 for rows left out. */
  readonly identities: Int32Array;
  readonly embeddings: ServiceEmbeddings;
  readonly binding: HeadBinding | undefined;
}

/**
 * Reads mu.npy, index.json and (for a head that needs them) the pooled features, and
 * applies the head.
 * @param singleFace leave out images where the detector found several faces
 */
export async function loadCalibrationData(dataDir: string, headFile: string | undefined, singleFace: boolean): Promise<CalibrationData> {
  return readCache(dataDir, await bindingOf(headFile), singleFace, new Map());
}

/** The head binding of `headFile` (with the tfjs backend it runs on), or undefined without a head. */
async function bindingOf(headFile: string | undefined): Promise<HeadBinding | undefined> {
  if (headFile === undefined) return undefined;
  const binding = await loadHeadBinding(headFile);
  await initBackend('wasm');
  return binding;
}

/** One cache through an already loaded head; identities numbered through `names` (see rowIdentities). */
async function readCache(dataDir: string, binding: HeadBinding | undefined, singleFace: boolean, names: Map<string, number>): Promise<CalibrationData> {
  const index = await readEmbeddingFolderIndex(dataDir);
  const mu = await readMatrixNpyFile(path.join(dataDir, MU_FILE));
  const identities = rowIdentities(index, mu.rows, singleFace, names);
  // A head scores only the embeddings of the backbone it was trained on.
  if (binding !== undefined) assertFolderUsable(index, dataDir, binding.head.backbone);
  const kind = binding?.head.architecture.inputKind;
  const features = kind === 'pooled_global' || kind === 'pooled_grid2x2' ? { [kind]: (await readMatrixNpyFile(path.join(dataDir, `${kind}.npy`))).data } : {};
  return { index, identities, embeddings: serviceEmbeddings(binding, { count: mu.rows, mu: mu.data, features }), binding };
}

/**
 * Identity label of each row (folder name), length N; −2 for rows left out (several faces,
 * with singleFace). `names` maps person names to labels and grows with new names, so
 * several caches of the same people share one numbering.
 */
export function rowIdentities(index: EmbeddingFolderIndex, rows: number, singleFace: boolean, names: Map<string, number> = new Map()): Int32Array {
  const ids = new Int32Array(rows).fill(-1);
  for (const im of index.images) {
    if (im.status !== 'ok' || im.row === undefined) continue;
    if (singleFace && im.faceCount !== undefined && im.faceCount !== null && im.faceCount > 1) {
      ids[im.row] = -2;
      continue;
    }
    const person = path.basename(path.dirname(im.path));
    let id = names.get(person);
    if (id === undefined) names.set(person, (id = names.size));
    ids[im.row] = id;
  }
  for (let r = 0; r < rows; r++) if (ids[r] === -1) throw new PfeError('INVALID_FORMAT', `row ${r} of mu.npy has no image in index.json`);
  return ids;
}

/** Several caches of the same people (clean and degraded copies) stacked into one set of rows. */
export interface CalibrationPool {
  /** Identity of each row, one numbering across the caches (−2: left out). */
  readonly identities: Int32Array;
  /** Which cache (index into `dirs`) each row came from; the first cache's rows come first, in its order. */
  readonly source: Int32Array;
  readonly dirs: readonly string[];
  /** index.json of the first cache. */
  readonly index: EmbeddingFolderIndex;
  readonly embeddings: ServiceEmbeddings;
  readonly binding: HeadBinding | undefined;
}

/**
 * Loads caches as loadCalibrationData does (the head once, for all of them) and stacks their rows.
 * @param singleFace as in loadCalibrationData, for every cache
 * @throws PfeError DIMENSION_MISMATCH when the caches differ in dimension or in having σ²
 */
export async function loadCalibrationPool(dirs: readonly string[], headFile: string | undefined, singleFace: boolean): Promise<CalibrationPool> {
  if (dirs.length === 0) throw new PfeError('EMPTY_INPUT', 'no embedding caches to pool');
  const names = new Map<string, number>();
  const binding = await bindingOf(headFile);
  const parts: CalibrationData[] = [];
  for (const dir of dirs) parts.push(await readCache(dir, binding, singleFace, names));
  const dim = parts[0]!.embeddings.dim;
  const withSigma = parts[0]!.embeddings.sigmaSq !== null;
  for (const [k, p] of parts.entries()) {
    if (p.embeddings.dim !== dim || (p.embeddings.sigmaSq !== null) !== withSigma) {
      throw new PfeError('DIMENSION_MISMATCH', `cache ${dirs[k]} has D=${p.embeddings.dim}${p.embeddings.sigmaSq === null ? ' without σ²' : ''}, the first D=${dim}`);
    }
  }
  const count = parts.reduce((n, p) => n + p.embeddings.count, 0);
  const identities = new Int32Array(count);
  const source = new Int32Array(count);
  const mu = new Float32Array(count * dim);
  const sigmaSq = withSigma ? new Float32Array(count * dim) : null;
  let row = 0;
  for (const [k, p] of parts.entries()) {
    identities.set(p.identities, row);
    source.fill(k, row, row + p.embeddings.count);
    mu.set(p.embeddings.mu, row * dim);
    if (sigmaSq !== null) sigmaSq.set(p.embeddings.sigmaSq!, row * dim);
    row += p.embeddings.count;
  }
  return { identities, source, dirs, index: parts[0]!.index, embeddings: { count, dim, mu, sigmaSq }, binding };
}

/** Seeded impostor pairs: kept rows i ≠ j of different identities, uniform over kept rows. */
export function impostorPairs(identities: Int32Array, count: number, seed: number, keep: (row: number) => boolean = () => true): { a: Uint32Array; b: Uint32Array } {
  const rng = new SeededRandom(seed);
  const kept: number[] = [];
  identities.forEach((id, r) => {
    if (id >= 0 && keep(r)) kept.push(r);
  });
  const n = kept.length;
  const a = new Uint32Array(count);
  const b = new Uint32Array(count);
  for (let k = 0; k < count; ) {
    const i = kept[rng.nextUint32() % n]!;
    const j = kept[rng.nextUint32() % n]!;
    if (identities[i] === identities[j]) continue;
    a[k] = i;
    b[k] = j;
    k++;
  }
  return { a, b };
}


/**
 * Seeded genuine pairs: a uniform kept row whose identity has another kept row, and a
 * uniform other row of the same identity.
 */
export function genuinePairs(identities: Int32Array, count: number, seed: number, keep: (row: number) => boolean = () => true): { a: Uint32Array; b: Uint32Array } {
  const rowsOf = new Map<number, number[]>();
  identities.forEach((id, r) => {
    if (id >= 0 && keep(r)) {
      let list = rowsOf.get(id);
      if (list === undefined) rowsOf.set(id, (list = []));
      list.push(r);
    }
  });
  const candidates: number[] = [];
  for (const list of rowsOf.values()) if (list.length > 1) candidates.push(...list);
  if (candidates.length === 0) throw new PfeError('EMPTY_INPUT', 'no identity has two images');
  const rng = new SeededRandom(seed);
  const a = new Uint32Array(count);
  const b = new Uint32Array(count);
  for (let k = 0; k < count; ) {
    const i = candidates[rng.nextUint32() % candidates.length]!;
    const list = rowsOf.get(identities[i]!)!;
    const j = list[rng.nextUint32() % list.length]!;
    if (i === j) continue;
    a[k] = i;
    b[k] = j;
    k++;
  }
  return { a, b };
}
