/**
 * Node-side loading and saving of `.pfehead` files, and the location of the head that
 * ships in the repository's `models/` folder (no network).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PfeError, withSource } from '../core/errors.js';
import type { UncertaintyHead } from './head-model.js';
import { type BackboneName, DEFAULT_BACKBONE } from '../face/backbone/names.js';
import { decodeHead, encodeHead, headFileNameForBackbone } from './model-format.js';

export { DEFAULT_HEAD_FILE_NAME, headFileNameForBackbone } from './model-format.js';

/** The package's `models/` folder (this file sits in <root>/<out>/head/). */
export function shippedModelsDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'models');
}

/** Path of the head shipped for a backbone: `<package root>/models/pfe-head-<backbone>.pfehead`. */
export function defaultHeadPath(backbone: BackboneName = DEFAULT_BACKBONE): string {
  return path.join(shippedModelsDir(), headFileNameForBackbone(backbone));
}

/** The shipped head's path for a backbone when the file exists, else undefined. */
export function findDefaultHead(backbone: BackboneName = DEFAULT_BACKBONE): string | undefined {
  const p = defaultHeadPath(backbone);
  return existsSync(p) ? p : undefined;
}

/**
 * Reads and checks a head file.
 * @throws PfeError IO_ERROR (unreadable), INVALID_FORMAT / UNSUPPORTED_FORMAT (bad content; message starts with the path)
 */
export async function loadHeadFile(file: string): Promise<UncertaintyHead> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new PfeError('IO_ERROR', `cannot read head file ${file}: ${e instanceof Error ? e.message : String(e)}`, { path: file }, { cause: e });
  }
  return withSource(file, () => decodeHead(bytes));
}

/** Writes a head file atomically (temporary file, then rename), creating the folder. */
export async function saveHeadFile(file: string, head: UncertaintyHead): Promise<void> {
  const bytes = encodeHead(head);
  try {
    await mkdir(path.dirname(path.resolve(file)), { recursive: true });
    await writeFile(`${file}.tmp`, bytes);
    await rename(`${file}.tmp`, file);
  } catch (e) {
    throw new PfeError('IO_ERROR', `cannot write head file ${file}: ${e instanceof Error ? e.message : String(e)}`, { path: file }, { cause: e });
  }
}
