/**
 * The index of an embedding folder (`index.json`, beside the .npy files of `pfe embed`):
 * how the folder was made (backbone, pipeline version, landmarks, head, degradation) and
 * one entry per input image — its row in the .npy files, or why it failed. It is written
 * last, so its presence says the .npy files beside it are complete. This module holds the
 * file's one type, its writer and its reader.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PfeError } from '../core/errors.js';

/** File name of the per-image index inside an embedding folder. */
export const INDEX_FILE = 'index.json';

/** One input image of an embedding folder. */
export interface EmbeddingIndexImage {
  /** The image file as given to `pfe embed`. */
  readonly path: string;
  readonly status: 'ok' | 'failed';
  /** Row in the .npy files (status 'ok'). */
  readonly row?: number;
  /** PfeError code of the failure (status 'failed'). */
  readonly code?: string;
  /** Why it failed, for people (status 'failed'). */
  readonly reason?: string;
  /** Where the landmarks came from ('file', 'detector', ...). */
  readonly landmarkSource?: string;
  /** Detector score in 0..1, null with file landmarks. */
  readonly detectorScore?: number | null;
  /** Faces the detector found, null with file landmarks. */
  readonly faceCount?: number | null;
  /** The five landmarks used, in the image's pixel frame. */
  readonly landmarks?: readonly { readonly x: number; readonly y: number }[];
  readonly imageWidth?: number;
  readonly imageHeight?: number;
}

/** The content of index.json. */
export interface EmbeddingFolderIndex {
  /** Backbone name; absent in folders made by other programs. */
  readonly backbone?: string;
  /** Face pipeline version; absent in folders written before it was recorded. */
  readonly pipelineVersion?: number;
  /** Landmark file used, or null for the detector only. */
  readonly landmarksFile?: string | null;
  /** Rows of the .npy files (images with status 'ok'). */
  readonly count?: number;
  /** Embedding dimension D. */
  readonly dim?: number;
  readonly images: readonly EmbeddingIndexImage[];
  /** Further facts the writer recorded (head, degradation, seed, landmark scale). */
  readonly [fact: string]: unknown;
}

/**
 * Writes index.json into `dir` atomically (a temporary file, then a rename), so a reader
 * never sees half an index.
 */
export async function writeEmbeddingFolderIndex(dir: string, index: EmbeddingFolderIndex): Promise<void> {
  const file = path.join(dir, INDEX_FILE);
  const temp = `${file}.tmp`;
  await writeFile(temp, JSON.stringify(index, null, 1) + '\n');
  await rename(temp, file);
}

/**
 * Reads index.json of an embedding folder.
 * @throws PfeError IO_ERROR (absent or unreadable: the folder is not complete), INVALID_FORMAT
 *   (not JSON, or no images list)
 */
export async function readEmbeddingFolderIndex(dir: string): Promise<EmbeddingFolderIndex> {
  const file = path.join(dir, INDEX_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new PfeError('IO_ERROR', `embedding folder ${dir} has no readable ${INDEX_FILE} (is it complete?)`, { path: file }, { cause: e });
  }
  let index: Partial<EmbeddingFolderIndex>;
  try {
    index = JSON.parse(text) as Partial<EmbeddingFolderIndex>;
  } catch (e) {
    throw new PfeError('INVALID_FORMAT', `${file}: not valid JSON (${e instanceof Error ? e.message : String(e)})`, { path: file }, { cause: e });
  }
  if (typeof index !== 'object' || index === null || !Array.isArray(index.images)) throw new PfeError('INVALID_FORMAT', `${file}: no 'images' list`, { path: file });
  return index as EmbeddingFolderIndex;
}
