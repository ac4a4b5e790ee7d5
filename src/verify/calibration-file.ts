/**
 * The calibration file stored with the model (`models/calibration-*.json`): impostor
 * survival tables for cosine and (with an uncertainty head) MLS, the identity of the head
 * the scores were computed with, and the uncertainty quantiles of clean training images
 * (the default of the quality gate). Reading checks every field.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PfeError } from '../core/errors.js';
import { type CalibrationFileContent, calibrationFileNameForHead, type LoadedCalibration, parseCalibration } from './calibration-content.js';

export {
  CALIBRATION_FORMAT,
  CALIBRATION_VERSION,
  type CalibrationFileContent,
  type HeadIdentity,
  type LoadedCalibration,
  parseCalibration,
} from './calibration-content.js';

/** Calibration file that belongs to a head file: calibration-<head name>.json beside it. */
export function calibrationFileForHead(headFile: string): string {
  return path.join(path.dirname(headFile), calibrationFileNameForHead(path.basename(headFile)));
}

/** Reads a calibration file. @throws PfeError IO_ERROR, INVALID_FORMAT, UNSUPPORTED_FORMAT */
export async function loadCalibrationFile(file: string): Promise<LoadedCalibration> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new PfeError('IO_ERROR', `cannot read calibration file ${file}: ${e instanceof Error ? e.message : String(e)}`, { path: file }, { cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new PfeError('INVALID_FORMAT', `${file}: not valid JSON (${e instanceof Error ? e.message : String(e)})`, { path: file }, { cause: e });
  }
  return parseCalibration(json, file);
}

/** Writes a calibration file atomically (temporary file, then rename). */
export async function saveCalibrationFile(file: string, content: CalibrationFileContent): Promise<void> {
  await writeFile(`${file}.tmp`, `${JSON.stringify(content)}\n`);
  await rename(`${file}.tmp`, file);
}
