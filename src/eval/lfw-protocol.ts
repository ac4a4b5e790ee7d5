import { PfeError } from '../core/errors.js';

/** One verification pair of an LFW protocol file; paths are relative to the images folder. */
export interface LfwPair {
  readonly pathA: string;
  readonly pathB: string;
  /** True for a matched (same person) pair. */
  readonly genuine: boolean;
  /** 0-based fold index (View 2: 0..9; View 1: 0). */
  readonly fold: number;
}

/** The image path LFW uses for `name n`: `name/name_%04d.jpg`. */
export function lfwImagePath(name: string, imageNumber: number): string {
  return `${name}/${name}_${String(imageNumber).padStart(4, '0')}.jpg`;
}

function parseImageNumber(token: string | undefined, lineNumber: number): number {
  const n = Number(token);
  if (token === undefined || !Number.isInteger(n) || n < 1) {
    throw new PfeError('INVALID_FORMAT', `pairs file line ${lineNumber}: '${token ?? ''}' is not an image number`, { line: lineNumber });
  }
  return n;
}

/**
 * Parses an LFW pairs file (`pairs.txt`, `pairsDevTrain.txt`, `pairsDevTest.txt`).
 * Format (LFW README): a header `folds perFold` (View 1 files have just `perFold`, one fold),
 * then per fold `perFold` matched lines `name n1 n2` followed by `perFold` mismatched
 * lines `name1 n1 name2 n2`.
 * @throws PfeError INVALID_FORMAT with the line number when the file does not follow the format.
 */
export function parseLfwPairs(text: string): LfwPair[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines[0] ?? '').trim().split(/\s+/).map(Number);
  let folds: number;
  let perFold: number;
  if (header.length === 2) [folds, perFold] = header as [number, number];
  else if (header.length === 1) [folds, perFold] = [1, header[0]!];
  else throw new PfeError('INVALID_FORMAT', `pairs file header '${lines[0] ?? ''}' must be 'folds perFold' or 'perFold'`);
  if (!Number.isInteger(folds) || !Number.isInteger(perFold) || folds < 1 || perFold < 1) {
    throw new PfeError('INVALID_FORMAT', `pairs file header '${lines[0] ?? ''}' must hold positive integers`);
  }
  const expected = 1 + folds * perFold * 2;
  if (lines.length !== expected) {
    throw new PfeError('INVALID_FORMAT', `pairs file has ${lines.length} non-empty lines; the header promises ${expected}`, { lines: lines.length, expected });
  }
  const pairs: LfwPair[] = [];
  for (let k = 1; k < lines.length; k++) {
    const lineNumber = k + 1;
    const fold = Math.floor((k - 1) / (2 * perFold));
    const genuine = (k - 1) % (2 * perFold) < perFold;
    const t = lines[k]!.trim().split(/\s+/);
    if (genuine) {
      if (t.length !== 3) throw new PfeError('INVALID_FORMAT', `pairs file line ${lineNumber}: a matched pair needs 'name n1 n2'`, { line: lineNumber });
      pairs.push({ pathA: lfwImagePath(t[0]!, parseImageNumber(t[1], lineNumber)), pathB: lfwImagePath(t[0]!, parseImageNumber(t[2], lineNumber)), genuine, fold });
    } else {
      if (t.length !== 4) throw new PfeError('INVALID_FORMAT', `pairs file line ${lineNumber}: a mismatched pair needs 'name1 n1 name2 n2'`, { line: lineNumber });
      pairs.push({ pathA: lfwImagePath(t[0]!, parseImageNumber(t[1], lineNumber)), pathB: lfwImagePath(t[2]!, parseImageNumber(t[3], lineNumber)), genuine, fold });
    }
  }
  return pairs;
}

/**
 * Parses an LFW people file (`people.txt`: a count of sets, then per set a count
 * followed by `name imageCount` lines; View 1 files have one set without the leading count).
 * @returns one array of `{ name, imageCount }` per person-disjoint set.
 */
export function parseLfwPeople(text: string): { name: string; imageCount: number }[][] {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  const numbers = lines.map((l) => (/^\d+$/.test(l) ? Number(l) : undefined));
  let k = 0;
  // View 2 starts with the number of sets followed by the first set's size; View 1 starts with the size only.
  const setCount = numbers[1] !== undefined ? numbers[k++]! : 1;
  const sets: { name: string; imageCount: number }[][] = [];
  for (let s = 0; s < setCount; s++) {
    const size = numbers[k];
    if (size === undefined) throw new PfeError('INVALID_FORMAT', `people file line ${k + 1}: expected the size of set ${s + 1}`, { line: k + 1 });
    k++;
    const set: { name: string; imageCount: number }[] = [];
    for (let p = 0; p < size; p++, k++) {
      const t = (lines[k] ?? '').split(/\s+/);
      const imageCount = Number(t[1]);
      if (t.length !== 2 || !Number.isInteger(imageCount) || imageCount < 1) {
        throw new PfeError('INVALID_FORMAT', `people file line ${k + 1}: expected 'name imageCount'`, { line: k + 1 });
      }
      set.push({ name: t[0]!, imageCount });
    }
    sets.push(set);
  }
  if (k !== lines.length) throw new PfeError('INVALID_FORMAT', `people file has ${lines.length - k} lines after the last set`);
  return sets;
}
