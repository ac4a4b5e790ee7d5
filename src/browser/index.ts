/**
 * The library for browser pages (`pfe-browser.js` in the built site, an ES module): the
 * same FacePfe as Node's `pfe-js/face`, loaded from the page's own origin, and the whole
 * scoring core (`pfe-js/core`). Models, wasm binaries, head and calibration are expected
 * next to the page, as `npm run build:web` lays them out.
 *
 *   const { loadBrowserFacePfe } = await import('./pfe-browser.js');
 *   const pfe = await loadBrowserFacePfe();
 *   const a = await pfe.embed(bytesA, 'a.jpg'), b = await pfe.embed(bytesB, 'b.jpg');
 *   const verdict = pfe.decide(pfe.compare(a, b));
 */
export * from '../core/index.js';
export { FacePfe, type PfeFace, type Comparison, type Decision } from '../face-pfe/face-pfe.js';
export { type VerdictPolicies } from '../face-pfe/verdicts.js';
export { type FusedGallery, fuseGallery, type PairScores, scorePair } from '../face-pfe/gallery-fusion.js';
export type { DegradeStep } from '../face/degrade/steps.js';
export type { FiveLandmarks, RgbImage, Box, Point } from '../face/types.js';
export { type BrowserFacePfeOptions, loadBrowserFacePfe } from './browser-pfe.js';
