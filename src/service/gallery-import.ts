/**
 * Bulk import of `pfe embed` output into a gallery store: every embedded image becomes a
 * face of the subject named by the image's folder (LFW layout: <person>/<image>.jpg), in
 * batches of subjects, one transaction per batch. Resumable: a subject already in the store
 * is skipped, so running the import again after an interruption continues where it stopped
 * (an interruption inside a batch rolls that batch back; only a subject's second and later
 * faces are added after its batch commits, each in its own transaction).
 *
 * With an uncertainty head the folders must hold the head's outputs (`pfe embed --head`:
 * mu_centred.npy and sigma_sq.npy, the μ and σ² the service scores with); without one, mu.npy.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PfeError } from '../core/errors.js';
import { uncertaintyScore } from '../core/uncertainty.js';
import { MU_CENTRED_FILE, SIGMA_SQ_FILE } from '../io/embedding-folder.js';
import { readMatrixNpyFile } from '../io/npy-file.js';
import { SUBJECT_ID_PATTERN, type GalleryStore, type NewFace } from './gallery-store.js';

/** What the import needs of index.json (written by `pfe embed`). */
interface EmbedIndex {
  readonly images: readonly { readonly path: string; readonly status: string; readonly row?: number }[];
}

/** One subject to import: its id and its faces (μ, σ² or null). */
export interface ImportSubject {
  readonly id: string;
  readonly faces: readonly NewFace[];
}

/** Counts of a finished (or partial) import. */
export interface ImportSummary {
  /** Subjects created by this run. */
  imported: number;
  /** Subjects skipped because the store already had them (an earlier run). */
  skipped: number;
  /** Faces added by this run. */
  faces: number;
}

const SUBJECT_ID = new RegExp(SUBJECT_ID_PATTERN);

/**
 * Reads the subjects of one `pfe embed` output folder, grouped by the images' folders.
 * @param withSigma read the head's outputs (mu_centred.npy, sigma_sq.npy) instead of mu.npy
 * @throws PfeError IO_ERROR, INVALID_FORMAT, DIMENSION_MISMATCH
 */
export async function readEmbeddingFolder(folder: string, dim: number, withSigma: boolean): Promise<ImportSubject[]> {
  const index = JSON.parse(await readFile(path.join(folder, 'index.json'), 'utf8')) as EmbedIndex;
  const mu = await readMatrixNpyFile(path.join(folder, withSigma ? MU_CENTRED_FILE : 'mu.npy'));
  const sigma = withSigma ? await readMatrixNpyFile(path.join(folder, SIGMA_SQ_FILE)) : undefined;
  if (mu.cols !== dim) throw new PfeError('DIMENSION_MISMATCH', `${folder}: embeddings of D = ${mu.cols}, the gallery's D = ${dim}`, { folder });
  if (sigma !== undefined && (sigma.rows !== mu.rows || sigma.cols !== dim)) {
    throw new PfeError('DIMENSION_MISMATCH', `${folder}: ${SIGMA_SQ_FILE} is ${sigma.rows}×${sigma.cols}, the means ${mu.rows}×${dim}`, { folder });
  }
  const bySubject = new Map<string, NewFace[]>();
  for (const image of index.images) {
    if (image.status !== 'ok' || image.row === undefined) continue;
    const id = path.basename(path.dirname(image.path));
    if (!SUBJECT_ID.test(id)) throw new PfeError('INVALID_FORMAT', `${folder}: folder name '${id}' of ${image.path} is not a valid subject id (${SUBJECT_ID_PATTERN})`, { folder });
    if (image.row < 0 || image.row >= mu.rows) throw new PfeError('INVALID_FORMAT', `${folder}: index.json row ${image.row} is outside the ${mu.rows} rows`, { folder });
    const faceMu = mu.data.slice(image.row * dim, (image.row + 1) * dim);
    const faceSigma = sigma === undefined ? null : sigma.data.slice(image.row * dim, (image.row + 1) * dim);
    const face: NewFace = {
      mu: faceMu,
      sigmaSq: faceSigma,
      uncertainty: faceSigma === null ? null : uncertaintyScore({ dim, mu: faceMu, sigmaSq: faceSigma }),
      detectorScore: null,
    };
    let faces = bySubject.get(id);
    if (faces === undefined) bySubject.set(id, (faces = []));
    faces.push(face);
  }
  return [...bySubject].map(([id, faces]) => ({ id, faces }));
}

/**
 * Imports subjects into the store in batches (one transaction per batch for the subjects and
 * their first faces), skipping subjects the store already has.
 * @param onBatch called after each batch with the subjects handled so far
 */
export async function importSubjects(
  store: GalleryStore,
  subjects: readonly ImportSubject[],
  batchSize: number,
  onBatch: (handled: number) => void = () => {},
): Promise<ImportSummary> {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new PfeError('INVALID_ARGUMENT', `batch size must be a positive integer, got ${batchSize}`);
  const summary: ImportSummary = { imported: 0, skipped: 0, faces: 0 };
  for (let start = 0; start < subjects.length; start += batchSize) {
    const batch = subjects.slice(start, start + batchSize);
    const fresh: ImportSubject[] = [];
    for (const s of batch) if (!(await store.hasSubject(s.id))) fresh.push(s);
    summary.skipped += batch.length - fresh.length;
    await store.insertSubjectsWithFace(fresh.map((s) => ({ id: s.id, name: null, face: s.faces[0]! })));
    for (const s of fresh) for (const face of s.faces.slice(1)) await store.addFace(s.id, face);
    summary.imported += fresh.length;
    summary.faces += fresh.reduce((n, s) => n + s.faces.length, 0);
    onBatch(start + batch.length);
  }
  return summary;
}
