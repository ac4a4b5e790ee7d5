/**
 * The calibrated verdicts in the browser: the calibration shipped with the head
 * (models/calibration-pfe-head-dlib.json, copied next to the page), fetched, parsed by
 * the same checked parser as in Node and turned into FacePfe's policies, after checking
 * it was made with the head the page loaded (SHA-256 of the head's bytes).
 */
import { PfeError } from '../core/errors.js';
import { type VerdictPolicies, verdictPolicies } from '../face-pfe/verdicts.js';
import { DEFAULT_HEAD_FILE_NAME } from '../head/model-format.js';
import { calibrationFileNameForHead, type LoadedCalibration, parseCalibration } from '../verify/calibration-content.js';
import { fetchBytes } from './fetch-bytes.js';

/** File name of the calibration made with the shipped head (MLS and cosine tables). */
export const HEAD_CALIBRATION_FILE_NAME = calibrationFileNameForHead(DEFAULT_HEAD_FILE_NAME);

/** The shipped head's calibration next to the page. */
export function defaultCalibrationUrl(): string {
  return new URL(`models/${HEAD_CALIBRATION_FILE_NAME}`, document.baseURI).href;
}

/**
 * Fetches the calibration at `calibrationUrl` and builds the verdicts for the head whose
 * file hashes to `headSha256`.
 * @throws PfeError IO_ERROR, INVALID_FORMAT (also: made with another head or without an MLS table), INVALID_ARGUMENT
 */
export async function fetchVerdictPolicies(calibrationUrl: string, headSha256: string, targetFar?: number): Promise<VerdictPolicies> {
  const text = new TextDecoder().decode(await fetchBytes(calibrationUrl, 'calibration'));
  let loaded: LoadedCalibration;
  try {
    loaded = parseCalibration(JSON.parse(text), calibrationUrl);
  } catch (e) {
    if (e instanceof SyntaxError) throw new PfeError('INVALID_FORMAT', `${calibrationUrl}: not valid JSON (${e.message})`, { path: calibrationUrl });
    throw e;
  }
  return verdictPolicies(loaded, headSha256, calibrationUrl, targetFar);
}
