/**
 * The `--landmarks FILE` / `--landmark-scale auto|F` options shared by pfe embed, compare and
 * eval: read the file, fit its points to each image (scale from the image's size when the
 * file's frame is known) and warn on stderr about anything that looks misplaced.
 */
import path from 'node:path';
import type { LandmarkScaleChoice } from '../face/landmarks-file/landmark-frame.js';
import { fitLandmarkFile, landmarkFitWarnings, readLandmarkFile, type LandmarkTarget } from '../face/landmarks-file/landmark-file.js';
import type { FiveLandmarks } from '../face/types.js';
import { numberOption } from './args.js';

/**
 * Help lines for --landmark-scale in a command's option list.
 * @param indent spaces before the option name
 * @param column column where the descriptions of that list start
 */
export function landmarkScaleHelp(indent: number, column: number): string {
  const text = [
    "factor on the landmark file's coordinates (default auto: from each",
    "image's size when the file's frame is known, e.g. 250x250 for the",
    'LFW MTCNN file, so both the 250-px LFW and its 150-px copy work;',
    "else 1). A '# frame: WxH' line in the file states its frame",
  ];
  const first = `${' '.repeat(indent)}--landmark-scale <f>`.padEnd(column - 1) + ' ';
  return [first + text[0], ...text.slice(1).map((t) => ' '.repeat(column) + t)].join('\n');
}

/**
 * Parses --landmark-scale: 'auto' (the default) or a number > 0.
 * @throws UsageError for anything else
 */
export function landmarkScaleChoice(value: string | undefined): LandmarkScaleChoice {
  if (value === undefined || value.trim().toLowerCase() === 'auto') return { kind: 'auto' };
  return { kind: 'fixed', scale: numberOption(value, 'landmark-scale', { min: Number.MIN_VALUE }, 1) };
}

/**
 * Reads a landmark file and fits it to the targets; warnings go to `warn` (one line each).
 * @returns key → landmarks in each image's pixels, for the targets the file has
 */
export async function loadFittedLandmarks(
  filePath: string,
  targets: readonly LandmarkTarget[],
  choice: LandmarkScaleChoice,
  warn: (line: string) => void,
): Promise<Map<string, FiveLandmarks>> {
  const file = await readLandmarkFile(filePath);
  const { landmarks, report } = await fitLandmarkFile(file, targets, choice);
  for (const w of landmarkFitWarnings(file, report, choice)) warn(`warning: ${w}`);
  return landmarks;
}

/**
 * Like loadFittedLandmarks for every image the file names, each at `imageRoot/<key>`
 * (the layout of the LFW protocols: keys relative to images/).
 */
export async function loadFittedLandmarksUnder(
  filePath: string,
  imageRoot: string,
  choice: LandmarkScaleChoice,
  warn: (line: string) => void,
): Promise<Map<string, FiveLandmarks>> {
  const file = await readLandmarkFile(filePath);
  const targets = [...file.points.keys()].map((key) => ({ key, file: path.join(imageRoot, key) }));
  const { landmarks, report } = await fitLandmarkFile(file, targets, choice);
  for (const w of landmarkFitWarnings(file, report, choice)) warn(`warning: ${w}`);
  return landmarks;
}
