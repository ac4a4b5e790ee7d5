/**
 * `pfe-js/face`: photos in, Gaussian faces, comparisons and calibrated verdicts out
 * (Node; the browser build exports the same FacePfe with a fetch-based loader).
 */
export { FacePfe, type PfeFace, type Comparison, type Decision } from './face-pfe.js';
export { loadFacePfe, type LoadFacePfeOptions } from './load.js';
export { type VerdictPolicies, verdictPolicies } from './verdicts.js';
export { type FusedGallery, type PairScores } from './gallery-fusion.js';
export { FaceEmbedder, type EmbeddedFace, type EmbedRequest, type EmbedResult } from '../face/pipeline/face-embedder.js';
export type { DegradeStep } from '../face/degrade/steps.js';
export type { FiveLandmarks, RgbImage, Box, Point } from '../face/types.js';
