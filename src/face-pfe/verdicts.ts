/**
 * Calibrated verdicts for FacePfe: the calibration made with the head (impostor score
 * tables, see src/verify/calibration-content.ts) turned into one DecisionPolicy per
 * score and the quality gate's limit. Platform-neutral: the caller reads the file and
 * hashes the head's bytes (Node: fs + node:crypto, browser: fetch + crypto.subtle).
 */
import { PfeError } from '../core/errors.js';
import type { LoadedCalibration } from '../verify/calibration-content.js';
import { DEFAULT_GATE_QUANTILE, DEFAULT_TARGET_FAR } from '../verify/decision-defaults.js';
import { type Decision, DecisionPolicy } from '../verify/decision.js';
import type { Comparison as FaceComparison } from '../head/compare-faces.js';

/** The decisions FacePfe makes: one policy per score, and the quality gate. */
export interface VerdictPolicies {
  /** Decides on MLS (the PFE verdict). */
  readonly mls: DecisionPolicy;
  /** Decides on the centred cosine (the baseline's verdict). */
  readonly cosine: DecisionPolicy;
  /**
   * Harmonic-mean σ² above which the service's quality gate refuses a face (the calibration's
   * clean-image quantile DEFAULT_GATE_QUANTILE), or undefined when the file has none.
   */
  readonly uncertaintyGate: number | undefined;
}

/**
 * Checks that `loaded` was made with the head whose bytes hash to `headSha256` and builds
 * the MLS and cosine policies at `targetFar`.
 * @param label the calibration's file name or URL, for messages
 * @throws PfeError INVALID_FORMAT (made with another head, or without an MLS table),
 *   INVALID_ARGUMENT (targetFar outside the calibration's range)
 */
export function verdictPolicies(loaded: LoadedCalibration, headSha256: string, label: string, targetFar: number = DEFAULT_TARGET_FAR): VerdictPolicies {
  if (loaded.content.head === null || loaded.content.head.sha256 !== headSha256) {
    throw new PfeError('INVALID_FORMAT', `${label} was not made with this head (its sha256 is ${headSha256})`, { path: label });
  }
  if (loaded.mls === undefined) throw new PfeError('INVALID_FORMAT', `${label} has no MLS table`, { path: label });
  return {
    mls: new DecisionPolicy(loaded, targetFar, true),
    cosine: new DecisionPolicy(loaded, targetFar, false),
    uncertaintyGate: loaded.content.uncertaintyQuantiles?.[DEFAULT_GATE_QUANTILE],
  };
}

/**
 * Both verdicts on a comparison of two faces, each on the uncertainty cell of the pair's two
 * σ² when the calibration has quality-aware tables (else on its global table).
 */
export function decideBoth(verdicts: VerdictPolicies, c: FaceComparison): { readonly mls: Decision; readonly cosine: Decision } {
  const u = [c.uncertaintyA, c.uncertaintyB] as const;
  return { mls: verdicts.mls.decide(c.cosine, c.mls, u), cosine: verdicts.cosine.decide(c.cosine, c.mls, u) };
}
