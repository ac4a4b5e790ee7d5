/**
 * The generic verification pair-list format of `pfe eval pairs`:
 *
 *   # comment lines start with '#' (after optional spaces); blank lines are ignored
 *   pathA<TAB>pathB<TAB>label[<TAB>fold]
 *
 * label 1 = same person, 0 = different people; paths are relative to a root folder and
 * may contain spaces (only TABs separate fields). The fold column is optional, but either
 * every pair has one or none does. Fold values are non-negative integers, renumbered
 * 0..F−1 in increasing order (so 1-based folds work too).
 */
import { PfeError } from '../core/errors.js';

/** One pair of a pair list, in file order. */
export interface VerificationPair {
  readonly pathA: string;
  readonly pathB: string;
  /** True for a same-person pair. */
  readonly genuine: boolean;
  /** 0-based fold index after renumbering; absent when the list has no folds. */
  readonly fold?: number;
}

/** A parsed pair list. */
export interface PairList {
  readonly pairs: VerificationPair[];
  /** Number of folds (0 when the list has no fold column). */
  readonly foldCount: number;
  /** The fold values as written in the file, indexed by the renumbered fold. */
  readonly foldLabels: number[];
}

function formatError(lineNumber: number, message: string): PfeError {
  return new PfeError('INVALID_FORMAT', `pair file line ${lineNumber}: ${message}`, { line: lineNumber });
}

/**
 * Parses a pair list (format in the module comment).
 * @throws PfeError INVALID_FORMAT naming the line (wrong field count, empty path, bad label
 *   or fold, fold column on some lines only); EMPTY_INPUT when there is no pair.
 */
export function parsePairFile(text: string): PairList {
  const raw: { pathA: string; pathB: string; genuine: boolean; fold: number | undefined; line: number }[] = [];
  const lines = text.split(/\r?\n/);
  let firstFoldLine: number | undefined;
  let firstNoFoldLine: number | undefined;
  for (let k = 0; k < lines.length; k++) {
    const lineNumber = k + 1;
    const line = lines[k]!;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const fields = line.replace(/\s+$/, '').split('\t');
    if (fields.length !== 3 && fields.length !== 4) {
      throw formatError(lineNumber, `expected 'pathA<TAB>pathB<TAB>label[<TAB>fold]', found ${fields.length} TAB-separated field(s)`);
    }
    const [pathA, pathB, label, foldText] = fields as [string, string, string, string | undefined];
    if (pathA.trim() === '' || pathB.trim() === '') throw formatError(lineNumber, 'an image path is empty');
    if (label.trim() !== '0' && label.trim() !== '1') throw formatError(lineNumber, `label '${label}' must be 1 (same person) or 0 (different people)`);
    let fold: number | undefined;
    if (foldText !== undefined) {
      if (!/^\d+$/.test(foldText.trim())) throw formatError(lineNumber, `fold '${foldText}' must be a non-negative integer`);
      fold = Number(foldText.trim());
      firstFoldLine ??= lineNumber;
    } else {
      firstNoFoldLine ??= lineNumber;
    }
    if (firstFoldLine !== undefined && firstNoFoldLine !== undefined) {
      throw formatError(lineNumber, `line ${firstFoldLine} has a fold column but line ${firstNoFoldLine} has none; give a fold on every line or on none`);
    }
    raw.push({ pathA: pathA.trim(), pathB: pathB.trim(), genuine: label.trim() === '1', fold, line: lineNumber });
  }
  if (raw.length === 0) throw new PfeError('EMPTY_INPUT', 'the pair file holds no pairs (only blank or comment lines)');
  const foldLabels = [...new Set(raw.flatMap((p) => (p.fold === undefined ? [] : [p.fold])))].sort((a, b) => a - b);
  const foldIndex = new Map(foldLabels.map((f, i) => [f, i]));
  const pairs = raw.map((p): VerificationPair => {
    const base = { pathA: p.pathA, pathB: p.pathB, genuine: p.genuine };
    return p.fold === undefined ? base : { ...base, fold: foldIndex.get(p.fold)! };
  });
  return { pairs, foldCount: foldLabels.length, foldLabels };
}

/** Writes pairs in the pair-file format (with the fold column when every pair has a fold). */
export function formatPairFile(pairs: readonly VerificationPair[], header?: string): string {
  const withFolds = pairs.length > 0 && pairs.every((p) => p.fold !== undefined);
  const lines = header === undefined ? [] : header.split('\n').map((l) => `# ${l}`);
  for (const p of pairs) lines.push([p.pathA, p.pathB, p.genuine ? '1' : '0', ...(withFolds ? [String(p.fold)] : [])].join('\t'));
  return lines.join('\n') + '\n';
}
