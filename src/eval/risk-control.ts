/**
 * Risk control by image quality (PFE paper, Sec. 5.4): how well does a per-image quality
 * signal find the pairs a matcher gets wrong? Two views: the error-versus-discard
 * characteristic (EDC: FNMR at a threshold fixed at the start, as pairs are discarded
 * worst first; pAUC up to a discard fraction) and the paper's TAR at FAR after removing the
 * x% lowest-quality images.
 */
import { PfeError } from '../core/errors.js';
import { SeededRandom, deriveSeed } from '../core/random.js';
import { edcPartialAuc, errorVersusDiscard, linearGrid } from '../metrics/edc.js';
import { tarAtFarAfterImageFiltering } from '../metrics/image-filter.js';
import { pairQualityFromImages, type QualityOrder } from '../metrics/quality.js';
import type { IndexedPairs } from './pair-verification.js';

/** A per-image quality signal. */
export interface ImageQuality {
  readonly name: string;
  /** K values (NaN allowed for failed images: they are treated as the worst). */
  readonly values: Float64Array;
  readonly order: QualityOrder;
}

/**
 * Qualities with non-finite entries (failed images, missing detector scores) replaced by a
 * value worse than every finite one, so those images are discarded first.
 */
export function withWorstForMissing(q: ImageQuality): ImageQuality {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of q.values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!Number.isFinite(lo)) return { ...q, values: new Float64Array(q.values.length) };
  const worst = q.order === 'higher-is-better' ? lo - 1 : hi + 1;
  return { ...q, values: Float64Array.from(q.values, (v) => (Number.isFinite(v) ? v : worst)) };
}

/** K seeded uniform values: the "discard at random" reference. */
export function randomQuality(count: number, seed: number): ImageQuality {
  const rng = new SeededRandom(deriveSeed(seed, 0x72616e64)); // stream id: 'rand' in ASCII
  return { name: 'random', values: Float64Array.from({ length: count }, () => rng.nextFloat()), order: 'higher-is-better' };
}

/** EDC and image-filtering results of one (matcher, quality) combination. */
export interface RiskCurve {
  readonly matcher: string;
  readonly quality: string;
  readonly discardFractions: number[];
  readonly fnmr: number[];
  /** Area under FNMR from 0 to `pAucLimit` discarded, divided by the limit (mean FNMR over that range). */
  readonly pAucNormalised: number;
  /** TAR at `far` after removing each fraction of the images. */
  readonly filtering: { readonly fraction: number; readonly tar: number }[];
}

/** Settings of riskCurves. */
export interface RiskOptions {
  /** FAR that fixes the EDC threshold at the start and for the filtering view (e.g. 1e-3). */
  readonly far: number;
  /** Largest discarded fraction of the pAUC (`pfe eval risk`: 0.3). */
  readonly pAucLimit: number;
  /** EDC grid points from 0 to pAucLimit (e.g. 31 for steps of 1%). */
  readonly gridPoints: number;
  /** Fractions of images removed for the filtering view. */
  readonly filterFractions: readonly number[];
}

/**
 * Risk curves of one matcher's scores for every quality signal.
 * @throws PfeError DIMENSION_MISMATCH when a quality has the wrong length
 */
export function riskCurves(matcher: string, scores: Float64Array, pairs: IndexedPairs, qualities: readonly ImageQuality[], options: RiskOptions): RiskCurve[] {
  const grid = linearGrid(0, options.pAucLimit, options.gridPoints);
  // Only the images some pair uses take part (a table may hold rows no pair refers to, whose
  // removal would otherwise count towards "x% of the images").
  const compact = new Int32Array(pairs.imageCount).fill(-1);
  const used: number[] = [];
  for (const rows of [pairs.a, pairs.b]) {
    for (const r of rows) {
      if (compact[r] === -1) {
        compact[r] = used.length;
        used.push(r);
      }
    }
  }
  const a = Int32Array.from(pairs.a, (r) => compact[r]!);
  const b = Int32Array.from(pairs.b, (r) => compact[r]!);
  return qualities.map((raw) => {
    if (raw.values.length !== pairs.imageCount) throw new PfeError('DIMENSION_MISMATCH', `quality '${raw.name}' has ${raw.values.length} values for ${pairs.imageCount} images`);
    const q = withWorstForMissing({ ...raw, values: Float64Array.from(used, (r) => raw.values[r]!) });
    const pq = pairQualityFromImages(q.values, a, b, q.order);
    const edc = errorVersusDiscard(scores, pairs.labels, pq, { targetFmr: options.far, discardFractions: grid, qualityOrder: q.order, thresholdMode: 'fixed-at-start' });
    const filtering = tarAtFarAfterImageFiltering(scores, pairs.labels, a, b, q.values, { filterFractions: options.filterFractions, fars: [options.far], qualityOrder: q.order });
    return {
      matcher,
      quality: raw.name,
      discardFractions: Array.from(edc.discardFractions),
      fnmr: Array.from(edc.fnmr),
      pAucNormalised: edcPartialAuc(edc, options.pAucLimit) / options.pAucLimit,
      filtering: filtering.map((f) => ({ fraction: f.filterFraction, tar: f.results[0]!.tar })),
    };
  });
}
