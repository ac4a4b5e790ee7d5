/**
 * Labels of an embedding folder's rows: the image path of each row of mu.npy, from the
 * index.json that `pfe embed` writes beside it, and the images that failed (they have no row).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PfeError } from '../core/errors.js';
import { INDEX_FILE } from './embedding-folder-index.js';

/** An input image with no row, and why. */
export interface FailedImage {
  readonly path: string;
  readonly code: string;
  readonly reason: string;
}

/** Row labels of an embedding folder. */
export interface EmbeddingLabels {
  /** N labels: the image path of each row, or `<folder>#<row>` when the folder has no index.json. */
  readonly rows: readonly string[];
  /** Images of the index that failed and so have no row. */
  readonly failed: readonly FailedImage[];
  /** Whether the labels come from index.json. */
  readonly fromIndex: boolean;
}

interface IndexImage {
  path?: unknown;
  status?: unknown;
  row?: unknown;
  code?: unknown;
  reason?: unknown;
}

/**
 * Reads the labels of the `count` rows of an embedding folder.
 * @throws PfeError INVALID_FORMAT when index.json exists but is not valid JSON, or its rows do not
 *   cover 0..count−1 exactly once (it belongs to other .npy files)
 */
export async function loadEmbeddingLabels(dir: string, count: number): Promise<EmbeddingLabels> {
  const file = path.join(dir, INDEX_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return { rows: Array.from({ length: count }, (_, i) => `${dir}#${i}`), failed: [], fromIndex: false };
  }
  let images: IndexImage[];
  try {
    const parsed = JSON.parse(text) as { images?: unknown };
    if (!Array.isArray(parsed.images)) throw new Error('no "images" list');
    images = parsed.images as IndexImage[];
  } catch (e) {
    throw new PfeError('INVALID_FORMAT', `${file}: not an index of pfe embed (${e instanceof Error ? e.message : String(e)})`, { path: file }, { cause: e });
  }
  const rows = new Array<string | undefined>(count).fill(undefined);
  const failed: FailedImage[] = [];
  for (const img of images) {
    const p = String(img.path);
    if (img.status === 'ok') {
      const row = Number(img.row);
      if (!Number.isInteger(row) || row < 0 || row >= count || rows[row] !== undefined) {
        throw new PfeError('INVALID_FORMAT', `${file}: row ${String(img.row)} of ${p} does not fit the ${count} rows of the .npy files beside it`, { path: file });
      }
      rows[row] = p;
    } else {
      failed.push({ path: p, code: String(img.code ?? 'UNKNOWN'), reason: String(img.reason ?? '') });
    }
  }
  const missing = rows.findIndex((r) => r === undefined);
  if (missing >= 0) throw new PfeError('INVALID_FORMAT', `${file}: no image for row ${missing} of the ${count} rows of the .npy files beside it`, { path: file });
  return { rows: rows as string[], failed, fromIndex: true };
}
