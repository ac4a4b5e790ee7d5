/**
 * The calibrated verdict in the browser: the calibration shipped with the head
 * (models/calibration-pfe-head-faceres.json, copied next to the page) read by the same
 * parser and decided by the same DecisionPolicy as the HTTP service.
 */
import { PfeError } from '../core/errors.js';
import { type LoadedCalibration, parseCalibration } from '../service/calibration-content.js';
import { DecisionPolicy } from '../service/decision.js';

/** File name of the calibration made with the shipped head (MLS and cosine tables). */
export const HEAD_CALIBRATION_FILE_NAME = 'calibration-pfe-head-faceres.json';

/** The operating point: the service's default target FAR (src/service/config.ts, targetFar 1e-3). */
export const DEMO_TARGET_FAR = 1e-3;

async function fetchBytes(url: string): Promise<ArrayBuffer> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new PfeError('IO_ERROR', `cannot fetch ${url}: ${e instanceof Error ? e.message : String(e)}`, { path: url }, { cause: e });
  }
  if (!res.ok) throw new PfeError('IO_ERROR', `cannot fetch ${url}: HTTP ${res.status}`, { path: url });
  return res.arrayBuffer();
}

function hex(buffer: ArrayBuffer): string {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The page's calibrated decisions: one policy per score, and the quality gate. */
export interface VerdictPolicies {
  /** Decides on MLS (the PFE verdict). */
  readonly mls: DecisionPolicy;
  /** Decides on the centred cosine (the baseline's verdict, shown beside it). */
  readonly cosine: DecisionPolicy;
  /**
   * Harmonic-mean σ² above which the service's quality gate refuses a face (the clean-image
   * quantile DEMO_GATE_QUANTILE of the calibration), or undefined when the file has none.
   */
  readonly uncertaintyGate: number | undefined;
}

/** The service's default gate quantile (src/service/config.ts, gateQuantile '0.995'). */
export const DEMO_GATE_QUANTILE = '0.995';

/**
 * Fetches the calibration and checks it was made with the head at `headUrl` (SHA-256 of
 * its bytes, as the service checks), then builds the MLS and cosine decision policies at
 * DEMO_TARGET_FAR.
 * @throws PfeError IO_ERROR, INVALID_FORMAT (also: made with another head or without an MLS table)
 */
export async function loadVerdictPolicies(headUrl: string, calibrationUrl: string): Promise<VerdictPolicies> {
  const text = new TextDecoder().decode(await fetchBytes(calibrationUrl));
  let loaded: LoadedCalibration;
  try {
    loaded = parseCalibration(JSON.parse(text), calibrationUrl);
  } catch (e) {
    if (e instanceof SyntaxError) throw new PfeError('INVALID_FORMAT', `${calibrationUrl}: not valid JSON (${e.message})`, { path: calibrationUrl });
    throw e;
  }
  const sha256 = hex(await crypto.subtle.digest('SHA-256', await fetchBytes(headUrl)));
  if (loaded.content.head === null || loaded.content.head.sha256 !== sha256) {
    throw new PfeError('INVALID_FORMAT', `${calibrationUrl} was not made with the head ${headUrl} (sha256 ${sha256})`, { path: calibrationUrl });
  }
  if (loaded.mls === undefined) throw new PfeError('INVALID_FORMAT', `${calibrationUrl} has no MLS table`, { path: calibrationUrl });
  return {
    mls: new DecisionPolicy(loaded, DEMO_TARGET_FAR, true),
    cosine: new DecisionPolicy(loaded, DEMO_TARGET_FAR, false),
    uncertaintyGate: loaded.content.uncertaintyQuantiles?.[DEMO_GATE_QUANTILE],
  };
}
