import { stat, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { GaussianBatch } from '../core/embedding.js';
import { PfeError } from '../core/errors.js';
import { gaussianBatchFromMatrices } from './gaussian-matrices.js';
import { readMatrixNpyFile, writeNpyFile } from './npy-file.js';

/** File name of the N×D float32 means inside an embedding folder. */
export const MU_FILE = 'mu.npy';
/** File name of the N×D (or N×1) float32 variances inside an embedding folder. */
export const SIGMA_SQ_FILE = 'sigma_sq.npy';
/**
 * File name of the means centred by the uncertainty head's training mean, written by
 * `pfe embed` beside mu.npy when a head is applied. The head's sigma² belongs to these
 * means (the head was trained with MLS on centred mu), so a folder that has them is
 * loaded with them.
 */
export const MU_CENTRED_FILE = 'mu_centred.npy';
/** File name of the N×C raw global average of the backbone's last conv map (an uncertainty-head input). */
export const POOLED_GLOBAL_FILE = 'pooled_global.npy';
/** File name of the N×4C 2×2 average pooling of that map (an uncertainty-head input). */
export const POOLED_GRID_FILE = 'pooled_grid2x2.npy';

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/**
 * Loads an embedding folder (`mu.npy` N×D and `sigma_sq.npy` N×D or N×1, float32) as a
 * validated GaussianBatch. When the folder also holds `mu_centred.npy` (written by
 * `pfe embed` with an uncertainty head), those are the means used: they are the ones the
 * head's variances go with. Error messages name the folder or file at fault.
 * @throws PfeError IO_ERROR (folder or file missing/unreadable), INVALID_FORMAT /
 *   UNSUPPORTED_FORMAT (not a C-order <f4 .npy), DIMENSION_MISMATCH (not 2-D, or the two
 *   shapes disagree; names both shapes), EMPTY_INPUT, NON_FINITE, NON_POSITIVE_VARIANCE.
 */
export async function loadEmbeddingFolder(dir: string): Promise<GaussianBatch> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(dir)).isDirectory();
  } catch (e) {
    throw new PfeError('IO_ERROR', `embedding folder ${dir} does not exist or cannot be read`, { path: dir }, { cause: e });
  }
  if (!isDirectory) {
    throw new PfeError('IO_ERROR', `${dir} is not a folder; expected a folder holding ${MU_FILE} and ${SIGMA_SQ_FILE}`, { path: dir });
  }
  const centredPath = path.join(dir, MU_CENTRED_FILE);
  const muPath = (await isFile(centredPath)) ? centredPath : path.join(dir, MU_FILE);
  const sigmaSqPath = path.join(dir, SIGMA_SQ_FILE);
  const [mu, sigmaSq] = await Promise.all([readMatrixNpyFile(muPath), readMatrixNpyFile(sigmaSqPath)]);
  return gaussianBatchFromMatrices(mu, sigmaSq, { mu: muPath, sigmaSq: sigmaSqPath });
}

/**
 * Writes a GaussianBatch as an embedding folder (`mu.npy`, `sigma_sq.npy`, both N×D
 * float32), creating the folder if needed.
 * @throws PfeError IO_ERROR when the folder or files cannot be written.
 */
export async function writeEmbeddingFolder(dir: string, batch: GaussianBatch): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw new PfeError('IO_ERROR', `cannot create folder ${dir}: ${e instanceof Error ? e.message : String(e)}`, { path: dir }, { cause: e });
  }
  const shape = [batch.count, batch.dim];
  await writeNpyFile(path.join(dir, MU_FILE), shape, batch.mu);
  await writeNpyFile(path.join(dir, SIGMA_SQ_FILE), shape, batch.sigmaSq);
}
