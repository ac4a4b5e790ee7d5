/** Finding image files under the paths a user names on the command line. */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { PfeError } from '../../core/errors.js';

/** File endings treated as images when walking folders (files named directly are always taken). */
export const IMAGE_EXTENSIONS: readonly string[] = ['.jpg', '.jpeg', '.png', '.webp'];

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) await walk(full, out);
    else if (e.isFile() && IMAGE_EXTENSIONS.includes(path.extname(e.name).toLowerCase())) out.push(full);
  }
}

/**
 * Expands files and folders into a list of image files: a file is taken as is (so a
 * corrupt or mis-named file is reported, not skipped), a folder is walked recursively for
 * image endings in sorted order. Duplicates are kept once, in first-seen order.
 * @throws PfeError IO_ERROR naming a path that does not exist
 */
export async function listImageFiles(inputs: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const input of inputs) {
    let s;
    try {
      s = await stat(input);
    } catch (e) {
      throw new PfeError('IO_ERROR', `cannot read ${input}: ${e instanceof Error ? e.message : String(e)}`, { path: input }, { cause: e });
    }
    if (s.isDirectory()) await walk(input, out);
    else out.push(input);
  }
  return [...new Set(out)];
}

/**
 * The key an image has in a landmark file: its path relative to `root` when given,
 * else its last two path components (`Person/Person_0001.jpg`, the LFW layout).
 */
export function landmarkKey(file: string, root?: string): string {
  if (root !== undefined) return path.relative(root, file).split(path.sep).join('/');
  return file.split(path.sep).slice(-2).join('/');
}

/** FNV-1a 32-bit hash of a string (Fowler–Noll–Vo; offset basis 2166136261, prime 16777619). */
export function fnv1a32(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}
