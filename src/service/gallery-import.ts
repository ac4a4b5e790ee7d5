/**
 * Bulk import of `pfe embed` output into a gallery store: every embedded image becomes a
 * face of the subject named by the image's folder (LFW layout: <person>/<image>.jpg), in
 * batches of subjects, one transaction per batch holding each subject with ALL its faces
 * (GalleryStore.insertNewSubjects). Resumable: a subject already in the store is skipped,
 * so running the import again after an interruption continues where it stopped; an
 * interruption inside a batch rolls the whole batch back.
 *
 * With an uncertainty head the folders must hold the head's outputs (`pfe embed --head`:
 * mu_centred.npy and sigma_sq.npy, the μ and σ² the service scores with); without one, mu.npy.
 * The same face checks (checkedImportFace) guard the local import and the service's
 * streamed import (import-line.ts), so both accept exactly the same faces.
 */
import path from 'node:path';
import { PfeError } from '../core/errors.js';
import { uncertaintyScore } from '../core/uncertainty.js';
import { MU_CENTRED_FILE, SIGMA_SQ_FILE } from '../io/embedding-folder.js';
import { type EmbeddingFolderIndex, readEmbeddingFolderIndex } from '../io/embedding-folder-index.js';
import { readMatrixNpyFile } from '../io/npy-file.js';
import type { SigmaLayout } from './gallery-index.js';
import { type GalleryStore, type NewFace, type NewSubject, SUBJECT_ID_PATTERN, type TemplateChange } from './gallery-store.js';

/** One subject to import: its id, name and faces (μ, σ² or null). */
export type ImportSubject = NewSubject;

/** The embedding space faces are imported into: the gallery's D and how its templates carry σ². */
export interface ImportSpace {
  readonly dim: number;
  /** 'none' (no head: σ² must be absent), 'diagonal' (D variances), 'isotropic' (a scalar-σ² head: D equal variances). */
  readonly layout: SigmaLayout;
}

/** The embedding space of a gallery that embedding folders are imported into. */
export interface FolderImportSpace extends ImportSpace {
  /** The gallery's uncertainty head (its file and SHA-256), or null for a gallery without one. */
  readonly head: { readonly file: string; readonly sha256: string } | null;
}

/**
 * Refuses a folder whose μ and σ² another head made: with a head, mu_centred.npy is centred
 * with that head's training mean and sigma_sq.npy is that head's, so another head's rows
 * would be stored without complaint and then score wrongly. A folder written before the
 * hash was recorded (head.file only) is accepted; its rows are still checked one by one.
 * @throws PfeError BACKBONE_MISMATCH (no head, or another head), naming both
 */
function checkFolderHead(folder: string, index: EmbeddingFolderIndex, head: FolderImportSpace['head']): void {
  if (head === null) return; // a gallery without a head takes the raw mu.npy of any folder
  // What `pfe embed --head` records: the head's file and, since 2026-12-04, its SHA-256; or null.
  const recorded = index['head'] as { readonly file?: unknown; readonly sha256?: unknown } | null | undefined;
  if (recorded === undefined || recorded === null) {
    throw new PfeError('BACKBONE_MISMATCH', `${folder} was embedded without an uncertainty head, but the gallery's faces are those of head ${head.file}: run pfe embed again with --head ${head.file}`, { folder });
  }
  if (typeof recorded.sha256 === 'string' && recorded.sha256 !== head.sha256) {
    throw new PfeError(
      'BACKBONE_MISMATCH',
      `${folder} was embedded with head ${String(recorded.file)} (sha256 ${recorded.sha256.slice(0, 12)}…), the gallery with head ${head.file} (${head.sha256.slice(0, 12)}…): its μ and σ² are in another space; run pfe embed again with --head ${head.file}`,
      { folder, folderHead: recorded.sha256, galleryHead: head.sha256 },
    );
  }
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

/**
 * Subjects per transaction by default for a local import (`pfe gallery import --data`): large
 * enough that commits do not dominate, small enough to resume cheaply. The service's endpoint
 * has a smaller default (DEFAULT_SERVICE_IMPORT_BATCH in import-route.ts).
 */
export const DEFAULT_IMPORT_BATCH = 2000;

const SUBJECT_ID = new RegExp(SUBJECT_ID_PATTERN);

/**
 * A face to import, after the checks enrolment's own pipeline guarantees: D values of μ, all
 * finite; σ² present exactly when the gallery has σ², D finite values > 0 (as 32-bit floats),
 * all equal for an isotropic gallery (its index keeps one σ² per template); a detector
 * score in [0, 1] or null. The uncertainty is computed as the service computes it for an
 * enrolled image (uncertaintyScore, the harmonic mean of σ²).
 * @throws PfeError DIMENSION_MISMATCH, NON_FINITE, NON_POSITIVE_VARIANCE, INVALID_ARGUMENT
 *   (messages name the value: `mu[3]`, `sigmaSq[7]`; callers say where the face came from)
 */
export function checkedImportFace(mu: Float32Array, sigmaSq: Float32Array | null, detectorScore: number | null, space: ImportSpace): NewFace {
  const { dim, layout } = space;
  if (mu.length !== dim) throw new PfeError('DIMENSION_MISMATCH', `mu has ${mu.length} values, the gallery's D = ${dim}`, { length: mu.length, dim });
  for (let l = 0; l < dim; l++) if (!Number.isFinite(mu[l]!)) throw new PfeError('NON_FINITE', `mu[${l}] is ${mu[l]} (as a 32-bit float); every value must be finite`, { column: l });
  if (layout === 'none' && sigmaSq !== null) throw new PfeError('INVALID_ARGUMENT', 'sigmaSq is given, but the gallery has no uncertainty head (σ² must be null or absent)');
  if (layout !== 'none' && sigmaSq === null) throw new PfeError('INVALID_ARGUMENT', "sigmaSq is missing: the gallery's head gives every face σ² (import the head's outputs: pfe embed --head)");
  if (detectorScore !== null && !(detectorScore >= 0 && detectorScore <= 1)) {
    throw new PfeError('INVALID_ARGUMENT', `detectorScore is ${detectorScore}; it must be in [0, 1] or null`, { detectorScore });
  }
  if (sigmaSq === null) return { mu, sigmaSq: null, uncertainty: null, detectorScore };
  if (sigmaSq.length !== dim) throw new PfeError('DIMENSION_MISMATCH', `sigmaSq has ${sigmaSq.length} values, the gallery's D = ${dim}`, { length: sigmaSq.length, dim });
  for (let l = 0; l < dim; l++) {
    const v = sigmaSq[l]!;
    if (!Number.isFinite(v)) throw new PfeError('NON_FINITE', `sigmaSq[${l}] is ${v} (as a 32-bit float); every value must be finite`, { column: l });
    if (!(v > 0)) throw new PfeError('NON_POSITIVE_VARIANCE', `sigmaSq[${l}] is ${v} (as a 32-bit float); variances must be > 0`, { column: l });
    if (layout === 'isotropic' && v !== sigmaSq[0]) {
      throw new PfeError('INVALID_ARGUMENT', `sigmaSq[${l}] = ${v} differs from sigmaSq[0] = ${sigmaSq[0]}; the gallery's head gives one σ² per face (all D values equal)`, { column: l });
    }
  }
  return { mu, sigmaSq, uncertainty: uncertaintyScore({ dim, mu, sigmaSq }), detectorScore };
}

/**
 * Reads the subjects of one `pfe embed` output folder, grouped by the images' folders.
 * @param space the gallery's space: with σ² (a head) the head's outputs (mu_centred.npy,
 *   sigma_sq.npy) are read instead of mu.npy
 * @throws PfeError IO_ERROR, INVALID_FORMAT, DIMENSION_MISMATCH, and checkedImportFace's
 *   codes naming the folder and row of a face it refuses
 */
export async function readEmbeddingFolder(folder: string, space: FolderImportSpace): Promise<ImportSubject[]> {
  const { dim } = space;
  const withSigma = space.layout !== 'none';
  const index = await readEmbeddingFolderIndex(folder);
  checkFolderHead(folder, index, space.head);
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
    let face: NewFace;
    try {
      face = checkedImportFace(faceMu, faceSigma, null, space);
    } catch (e) {
      if (e instanceof PfeError) throw new PfeError(e.code, `${folder}: row ${image.row} (${image.path}): ${e.message}`, { ...e.details, folder, row: image.row });
      throw e;
    }
    let faces = bySubject.get(id);
    if (faces === undefined) bySubject.set(id, (faces = []));
    faces.push(face);
  }
  return [...bySubject].map(([id, faces]) => ({ id, name: null, faces }));
}

/**
 * Subjects of several folders, one entry per subject: a person whose images are spread over
 * two folders gets all of them (the import skips a subject it has, so a second entry for
 * the same id would lose its faces).
 */
export function mergeSubjects(lists: readonly (readonly ImportSubject[])[]): ImportSubject[] {
  const byId = new Map<string, ImportSubject>();
  for (const list of lists) {
    for (const s of list) {
      const known = byId.get(s.id);
      byId.set(s.id, known === undefined ? s : { ...known, faces: [...known.faces, ...s.faces] });
    }
  }
  return [...byId.values()];
}

/** What one committed batch did. */
export interface CommittedBatch extends ImportSummary {
  /** The new templates, for an in-memory index to follow (after the commit). */
  readonly changes: readonly TemplateChange[];
}

/**
 * Commits one batch: its new subjects with all their faces in one transaction, the ones the
 * store has skipped. @throws GalleryError (nothing of the batch is committed then)
 */
export async function commitImportBatch(store: GalleryStore, batch: readonly ImportSubject[]): Promise<CommittedBatch> {
  const { changes, skipped } = await store.insertNewSubjects(batch);
  const skippedIds = new Set(skipped);
  const faces = batch.reduce((n, s) => n + (skippedIds.has(s.id) ? 0 : s.faces.length), 0);
  return { imported: changes.length, skipped: skipped.length, faces, changes };
}

/**
 * Imports subjects into the store in batches (one transaction per batch for the subjects
 * and all their faces), skipping subjects the store already has.
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
    const committed = await commitImportBatch(store, batch);
    summary.imported += committed.imported;
    summary.skipped += committed.skipped;
    summary.faces += committed.faces;
    onBatch(start + batch.length);
  }
  return summary;
}
