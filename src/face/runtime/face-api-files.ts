/**
 * Where face-api's weight files are and how they are read, in Node: the `model/` folder of
 * the installed @vladmandic/face-api package, read from disk. The browser build takes
 * src/browser/face-api-files.ts instead (fetch from the page's own origin; #platform/face-api-files), so the
 * decoding in face-api-weights.ts is shared.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PfeError } from '../../core/errors.js';

/**
 * The `model/` folder of the installed @vladmandic/face-api package (MIT), found by
 * module resolution (no network; the package is only resolved, never imported).
 */
export function faceApiModelDir(): string {
  const packageJson = fileURLToPath(import.meta.resolve('@vladmandic/face-api/package.json'));
  return path.join(path.dirname(packageJson), 'model');
}

/** Location of the file `name` in the folder `dir`. */
export function faceApiFile(dir: string, name: string): string {
  return path.join(dir, name);
}

/** Location of a file named in a manifest, relative to the manifest's own location. */
export function siblingOf(manifest: string, relative: string): string {
  return path.resolve(path.dirname(manifest), relative);
}

/**
 * The bytes of a weight file.
 * @param what names the file's role in the message, e.g. 'weights manifest'
 * @throws PfeError MODEL_LOAD_FAILED naming the file
 */
export async function readFaceApiFile(file: string, what: string): Promise<Uint8Array> {
  try {
    return await readFile(file);
  } catch (e) {
    throw new PfeError('MODEL_LOAD_FAILED', `${file}: cannot read the ${what} (${e instanceof Error ? e.message : String(e)})`, { path: file }, { cause: e });
  }
}
