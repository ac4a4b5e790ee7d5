import { readFile } from 'node:fs/promises';
import { PfeError } from '../../core/errors.js';
import type { FiveLandmarks, Point } from '../types.js';

/**
 * Default coordinate scale for the LFW landmark file: 0.6 = 150/250. The file's points are
 * in the 250×250 original LFW frame; the shared copy of LFW (`images/`) is 150×150.
 * Use 1 for the 250×250 originals. (The README of the shared data reports checking ×0.6
 * visually; with pixel centres at integers the exact map would be (x+0.5)·0.6−0.5, a
 * 0.2 px difference, well below the landmarks' own error.)
 * This fixed default suits only the 150-px copies; code that may meet either size should use
 * readLandmarkFile + fitLandmarkFile (landmark-file.ts), which scale by each image's size, as
 * the CLI does.
 */
export const LFW_LANDMARK_SCALE_150 = 0.6;

/** Options of parseLfwLandmarks / loadLfwLandmarks. */
export interface LfwLandmarkOptions {
  /** Factor applied to every coordinate (default LFW_LANDMARK_SCALE_150 = 0.6). */
  readonly scale?: number;
  /** Name of the source used in error messages (default '<text>' or the file path). */
  readonly source?: string;
}

/** Number of whitespace-separated fields on a line: path, x1..x5, y1..y5. */
const FIELDS_PER_LINE = 11;

/**
 * Parses the MTCNN 5-point landmark file of the PFE repository (`ldmark_lfw_mtcnncaffe.txt`).
 * Each non-blank line is `Person/Person_NNNN.jpg x1 x2 x3 x4 x5 y1 y2 y3 y4 y5` (all x
 * first, then all y), points in FiveLandmarks order: left eye, right eye, nose, left mouth
 * corner, right mouth corner (image left/right). Blank lines and '#' comment lines are
 * skipped; CRLF is accepted.
 *
 * @param text the file contents
 * @param options.scale multiplies every coordinate (default 0.6 for the 150×150 LFW images)
 * @returns a Map from the relative image path (as written in the file) to its landmarks in pixels
 * @throws PfeError INVALID_FORMAT naming the source and 1-based line number for a wrong field
 *   count, a non-numeric or non-finite coordinate, or a repeated path; INVALID_ARGUMENT for a bad scale
 */
export function parseLfwLandmarks(text: string, options: LfwLandmarkOptions = {}): Map<string, FiveLandmarks> {
  const scale = options.scale ?? LFW_LANDMARK_SCALE_150;
  const source = options.source ?? '<text>';
  if (!Number.isFinite(scale) || scale <= 0) {
    throw new PfeError('INVALID_ARGUMENT', `landmark scale must be a finite number > 0, got ${scale}`, { scale });
  }
  const result = new Map<string, FiveLandmarks>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const lineNumber = i + 1;
    const line = lines[i]!.trim();
    // '#' lines are comments; a '# frame: 250x250' line states the frame (see landmark-frame.ts).
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    if (fields.length !== FIELDS_PER_LINE) {
      throw new PfeError(
        'INVALID_FORMAT',
        `${source}:${lineNumber}: expected ${FIELDS_PER_LINE} fields (path, x1..x5, y1..y5), got ${fields.length}`,
        { source, line: lineNumber, fields: fields.length },
      );
    }
    const name = fields[0]!;
    const values = new Array<number>(10);
    for (let k = 0; k < 10; k++) {
      const field = fields[k + 1]!;
      const v = Number(field);
      if (!Number.isFinite(v)) {
        throw new PfeError('INVALID_FORMAT', `${source}:${lineNumber}: field ${k + 2} ('${field}') is not a finite number`, {
          source,
          line: lineNumber,
          column: k + 2,
          field,
        });
      }
      values[k] = v * scale;
    }
    if (result.has(name)) {
      throw new PfeError('INVALID_FORMAT', `${source}:${lineNumber}: '${name}' appears a second time`, { source, line: lineNumber, name });
    }
    const point = (k: number): Point => ({ x: values[k]!, y: values[k + 5]! });
    result.set(name, [point(0), point(1), point(2), point(3), point(4)]);
  }
  return result;
}

/**
 * Reads and parses an LFW landmark file (see parseLfwLandmarks).
 * @throws PfeError IO_ERROR when the file cannot be read; otherwise as parseLfwLandmarks
 */
export async function loadLfwLandmarks(filePath: string, options: LfwLandmarkOptions = {}): Promise<Map<string, FiveLandmarks>> {
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (e) {
    throw new PfeError('IO_ERROR', `cannot read landmark file ${filePath}: ${e instanceof Error ? e.message : String(e)}`, { path: filePath }, { cause: e });
  }
  return parseLfwLandmarks(text, { ...options, source: options.source ?? filePath });
}
