/**
 * The operating point every entry point starts from (the service, `FacePfe`, the browser
 * page), in a module without Node-only imports so the browser build shares it.
 */

/** Target false-accept rate of decisions: the default operating point (the one the calibration checks in docs/RESULTS.md measure). */
export const DEFAULT_TARGET_FAR = 1e-3;

/**
 * The clean-image uncertainty quantile above which the quality gate refuses a face:
 * less confident than 99.5% of the clean LFW images the calibration was built from
 * (about 1 clean photo in 200 is refused).
 */
export const DEFAULT_GATE_QUANTILE = '0.995';
