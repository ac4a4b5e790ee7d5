/**
 * The pairs `pfe compare` works on: positional arguments taken two at a time, and/or a pair
 * file with one pair per line.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PfeError } from '../core/errors.js';
import { UsageError } from './command.js';

/** Two image paths to compare. */
export interface ImagePair {
  readonly a: string;
  readonly b: string;
}

/**
 * Parses a pair file: one pair per line, `pathA<TAB>pathB` (or, without a TAB, two
 * whitespace-separated paths); further TAB columns are ignored, so a `pfe eval pairs` file
 * (with its label and fold) works as is. Blank lines and lines starting with '#' are skipped.
 * Relative paths are taken relative to `root`.
 * @throws PfeError INVALID_FORMAT naming the source and line of a line without two paths
 */
export function parseComparePairs(text: string, source: string, root: string): ImagePair[] {
  const pairs: ImagePair[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const fields = (line.includes('\t') ? line.split('\t') : line.trim().split(/\s+/)).map((f) => f.trim());
    if (fields.length < 2 || fields[0] === '' || fields[1] === '') {
      throw new PfeError('INVALID_FORMAT', `${source}:${i + 1}: expected two image paths (pathA<TAB>pathB), got '${line.trim()}'`, { path: source, line: i + 1 });
    }
    pairs.push({ a: path.resolve(root, fields[0]!), b: path.resolve(root, fields[1]!) });
  }
  return pairs;
}

/**
 * The pairs from the positional arguments (two at a time) followed by those of `pairFile`.
 * @throws UsageError for an odd number of images or no pair at all; PfeError IO_ERROR for an unreadable pair file
 */
export async function comparePairsFrom(positionals: readonly string[], pairFile: string | undefined, root: string | undefined): Promise<ImagePair[]> {
  if (positionals.length % 2 !== 0) {
    throw new UsageError(`images are compared in pairs: expected an even number of image arguments, got ${positionals.length}: ${positionals.map((p) => `'${p}'`).join(' ')}`);
  }
  const pairs: ImagePair[] = [];
  for (let i = 0; i < positionals.length; i += 2) pairs.push({ a: positionals[i]!, b: positionals[i + 1]! });
  if (pairFile !== undefined) {
    let text: string;
    try {
      text = await readFile(pairFile, 'utf8');
    } catch (e) {
      throw new PfeError('IO_ERROR', `cannot read pair file ${pairFile}: ${e instanceof Error ? e.message : String(e)}`, { path: pairFile }, { cause: e });
    }
    pairs.push(...parseComparePairs(text, pairFile, root ?? path.dirname(pairFile)));
  }
  if (pairs.length === 0) throw new UsageError('name two images to compare (or several pairs, or --pairs FILE)');
  return pairs;
}
