/**
 * Evaluation metrics, pure and on typed arrays: TAR@FAR and ROC (reference threshold rule),
 * accuracy (best threshold, LFW-style k-fold), identification (CMC, DIR@FAR) and quality
 * (error-versus-discard, TAR@FAR after filtering images). Higher score = more similar.
 * (`ScoreArray` comes from the core.)
 */
export type { PairLabels, ClassCounts } from './validate.js';
export { validatePairs, roundHalfEven } from './validate.js';
export { ZERO_FAR_EPSILON, thresholdsAtFar, tarAtFar } from './far.js';
export type { TarAtFarPoint } from './far.js';
export { rocCurve } from './roc.js';
export type { RocCurve } from './roc.js';
export { accuracyAtThreshold, bestThresholdAccuracy, contiguousFolds, kFoldAccuracy } from './accuracy.js';
export type { ThresholdAccuracy, KFoldAccuracy } from './accuracy.js';
export { cmc, dirAtFar } from './identification.js';
export type { IdentityIds, CmcResult, DirAtFarPoint, DirAtFarResult } from './identification.js';
export { pairQuality, pairQualityFromImages, worstFirstOrder } from './quality.js';
export type { QualityOrder } from './quality.js';
export { errorVersusDiscard, edcPartialAuc, partialAreaUnderCurve, linearGrid } from './edc.js';
export type { EdcThresholdMode, EdcOptions, EdcCurve } from './edc.js';
export { tarAtFarAfterImageFiltering } from './image-filter.js';
export type { ImageFilterOptions, ImageFilterPoint } from './image-filter.js';
