import { PfeError } from '../core/errors.js';
import { tarAtFarSorted } from './far.js';
import type { TarAtFarPoint } from './far.js';
import { checkImagePairIndices, worstFirstOrder } from './quality.js';
import type { QualityOrder } from './quality.js';
import { assertFiniteScores, roundHalfEven, validatePairs, validateRates } from './validate.js';
import type { PairLabels, ScoreArray } from './validate.js';

/** Options of `tarAtFarAfterImageFiltering`. */
export interface ImageFilterOptions {
  /** Fractions of images to remove, each in [0, 1] (e.g. 0, 0.05, ..., 0.3). */
  readonly filterFractions: ArrayLike<number>;
  /** FARs at which TAR is reported, each in [0, 1]. */
  readonly fars: ArrayLike<number>;
  /** Direction of `imageQuality`: PFE uncertainty is 'lower-is-better'. */
  readonly qualityOrder: QualityOrder;
}

/** Verification after removing a fraction of the images. */
export interface ImageFilterPoint {
  readonly filterFraction: number;
  /** round_half_even(fraction · K) images, worst quality first (ties: lower image index first). */
  readonly removedImages: number;
  readonly genuineKept: number;
  readonly impostorKept: number;
  /**
   * TAR at each FAR on the kept pairs, the threshold recomputed on their impostor scores.
   * When no genuine or no impostor pair is left, threshold, tar and achievedFar are NaN.
   */
  readonly results: TarAtFarPoint[];
}

/**
 * The paper's risk-control experiment: remove the x% lowest-quality images, drop every pair
 * involving a removed image, and measure TAR at FAR on the remaining pairs.
 * @param scores N pair similarity scores; labels N labels (1/true = genuine).
 * @param pairIndexA N indices of the first image of each pair into `imageQuality`; pairIndexB the second.
 * @param imageQuality K per-image qualities (or uncertainties, with qualityOrder 'lower-is-better').
 * @throws PfeError DIMENSION_MISMATCH, EMPTY_INPUT, NON_FINITE, INDEX_OUT_OF_RANGE, INVALID_ARGUMENT
 */
export function tarAtFarAfterImageFiltering(
  scores: ScoreArray,
  labels: PairLabels,
  pairIndexA: ArrayLike<number>,
  pairIndexB: ArrayLike<number>,
  imageQuality: ArrayLike<number>,
  options: ImageFilterOptions,
): ImageFilterPoint[] {
  validatePairs(scores, labels);
  if (pairIndexA.length !== scores.length) {
    throw new PfeError('DIMENSION_MISMATCH', `pairIndexA has ${pairIndexA.length} entries but scores has ${scores.length}`);
  }
  checkImagePairIndices(pairIndexA, pairIndexB, imageQuality.length);
  assertFiniteScores(imageQuality, 'imageQuality');
  validateRates(options.filterFractions, 'filterFractions');
  validateRates(options.fars, 'fars');
  const k = imageQuality.length;
  const n = scores.length;
  const order = worstFirstOrder(imageQuality, options.qualityOrder);
  const removed = new Uint8Array(k);
  const genuine = new Float64Array(n);
  const impostor = new Float64Array(n);
  const out: ImageFilterPoint[] = [];
  for (let s = 0; s < options.filterFractions.length; s++) {
    const fraction = options.filterFractions[s]!;
    const removedImages = Math.min(k, roundHalfEven(fraction * k));
    removed.fill(0);
    for (let r = 0; r < removedImages; r++) removed[order[r]!] = 1;
    let g = 0;
    let m = 0;
    for (let p = 0; p < n; p++) {
      if (removed[pairIndexA[p]!] || removed[pairIndexB[p]!]) continue;
      if (labels[p]) genuine[g++] = scores[p]!;
      else impostor[m++] = scores[p]!;
    }
    let results: TarAtFarPoint[];
    if (g > 0 && m > 0) {
      results = tarAtFarSorted(genuine.subarray(0, g).sort(), impostor.subarray(0, m).sort(), options.fars);
    } else {
      results = Array.from(options.fars, (far) => ({ far, threshold: NaN, tar: NaN, achievedFar: NaN }));
    }
    out.push({ filterFraction: fraction, removedImages, genuineKept: g, impostorKept: m, results });
  }
  return out;
}
