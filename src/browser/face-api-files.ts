/**
 * Browser counterpart of src/face/runtime/face-api-files.ts (the bundle takes it through package.json `imports`, #platform/*):
 * face-api's weight files are copied at build time into `models/` next to the page and
 * fetched from the page's own origin.
 */
import { fetchBytes } from './fetch-bytes.js';

/** `models/` next to the page, as an absolute URL ending in '/'. */
export function faceApiModelDir(): string {
  return new URL('models/', document.baseURI).href;
}

/** URL of the file `name` in the folder URL `dir`. */
export function faceApiFile(dir: string, name: string): string {
  return new URL(name, dir.endsWith('/') ? dir : `${dir}/`).href;
}

/** URL of a file named in a manifest, relative to the manifest's URL. */
export function siblingOf(manifest: string, relative: string): string {
  return new URL(relative, manifest).href;
}

/** The bytes of a weight file; a failed fetch is MODEL_LOAD_FAILED, as a failed read is in Node. */
export function readFaceApiFile(file: string, what: string): Promise<Uint8Array> {
  return fetchBytes(file, what, 'MODEL_LOAD_FAILED');
}
