/**
 * Calibrated decisions: every comparison answers with both raw scores (MLS when σ² is
 * available, cosine always), the estimated FAR of the score the decision is made on, and
 * the decision at the operator's target FAR. The decision score is MLS when the service
 * has a head and an MLS calibration, else cosine.
 */
import { cosineSimilarity } from '../core/cosine.js';
import { mutualLikelihoodScore } from '../core/mls.js';
import type { CalibratedMetric, ScoreCalibration } from './calibration.js';
import type { LoadedCalibration } from './calibration-file.js';
import type { SubjectTemplate } from './template.js';
import { uncertaintyScore } from '../core/uncertainty.js';
import { cellOf, type PairUncertainties } from './uncertainty-bands.js';

/** The calibrated verdict of one comparison (its scores, estimated FAR and decision). */
export interface Decision {
  /** Paper-form MLS in nats, null without σ². */
  readonly mls: number | null;
  readonly cosine: number;
  /** Which score the FAR and the decision are about. */
  readonly decisionMetric: CalibratedMetric;
  /**
   * Fraction of calibration impostor pairs scoring at least as high; when `farBeyondData`
   * no impostor did, and this is the bound `farResolution` (the FAR is below it, not 0).
   */
  readonly estimatedFar: number;
  /** True when the score is above every calibration impostor: the FAR is only known to be < farResolution. */
  readonly farBeyondData: boolean;
  /** 1 / number of calibration impostor pairs. */
  readonly farResolution: number;
  readonly targetFar: number;
  /** Smallest calibrated score accepted at targetFar (the decision metric's units), in the pair's band when banded. */
  readonly threshold: number;
  /**
   * The uncertainty cell whose impostor table gave the FAR and threshold (0 = both photos
   * most certain; see uncertainty-bands.ts), or null when the global table was used (no
   * bands in the calibration, or the pair's uncertainties unknown).
   */
  readonly uncertaintyBand: number | null;
  /** estimatedFar ≤ targetFar. */
  readonly match: boolean;
}

/**
 * Open-set identification risk: the probability that a person who is not enrolled scores at
 * least as high as `far` implies against at least one of `gallerySize` subjects, treating
 * the comparisons as independent: 1 − (1 − far)^N (≈ N·far when small). This is why a
 * per-comparison FAR must shrink with the gallery to keep false identifications rare.
 */
export function falseMatchRisk(far: number, gallerySize: number): number {
  if (far >= 1) return 1;
  return -Math.expm1(gallerySize * Math.log1p(-far));
}

/**
 * A decision in words, for people: "same person (estimated FAR 1.45e-4; accepted when ≤ 0.001)".
 * A score above every calibration impostor reads "< resolution".
 */
export function describeDecision(d: Decision): string {
  const far = d.farBeyondData ? `< ${d.farResolution.toExponential(1)}` : d.estimatedFar.toExponential(2);
  // A banded FAR is the rate among impostor pairs of like quality, not among all pairs.
  const among = d.uncertaintyBand === null ? '' : ' among pairs of like quality';
  return `${d.match ? 'same person' : 'different people'} (estimated FAR ${far}${among}; accepted when ≤ ${d.targetFar})`;
}

/**
 * Decides comparisons at a target FAR with one calibration: with uncertainty bands in the
 * calibration and both images' uncertainties given, on the table of the pair's band
 * (quality-aware), else on the global table.
 */
export class DecisionPolicy {
  readonly metric: CalibratedMetric;
  /** Threshold of the global table. */
  readonly threshold: number;
  /** The uncertainty cells, each cell's table and threshold; undefined without bands. */
  readonly bands:
    | { readonly edges: readonly number[]; readonly innerEdges: readonly (readonly number[])[]; readonly calibrations: readonly ScoreCalibration[]; readonly thresholds: readonly number[] }
    | undefined;
  private readonly calibration: ScoreCalibration;

  /**
   * @param useMls decide on MLS (needs an MLS table) instead of cosine
   * @throws PfeError INVALID_ARGUMENT when targetFar is outside the calibration's range
   */
  constructor(
    loaded: LoadedCalibration,
    readonly targetFar: number,
    useMls: boolean,
  ) {
    if (useMls && loaded.mls === undefined) throw new Error('the calibration has no MLS table');
    this.calibration = useMls ? loaded.mls! : loaded.cosine;
    this.metric = this.calibration.metric;
    this.threshold = this.calibration.threshold(targetFar);
    const banded = loaded.bands === undefined ? undefined : useMls ? loaded.bands.mls : loaded.bands.cosine;
    this.bands =
      banded === undefined || loaded.bands === undefined
        ? undefined
        : { edges: loaded.bands.edges, innerEdges: loaded.bands.innerEdges, calibrations: banded, thresholds: banded.map((c) => c.threshold(targetFar)) };
  }

  /**
   * The decision for already computed scores.
   * @param uncertainties the two photos' uncertainties (harmonic means of σ²); null or omitted: the global table
   * @throws PfeError NON_FINITE for an uncertainty that is not finite and > 0
   */
  decide(cosine: number, mls: number | null, uncertainties: PairUncertainties | null = null): Decision {
    const score = this.metric === 'mls' ? mls : cosine;
    if (score === null) throw new Error('an MLS decision needs σ² on both sides');
    const band = this.bands !== undefined && uncertainties !== null ? cellOf(this.bands, uncertainties) : null;
    const calibration = band === null ? this.calibration : this.bands!.calibrations[band]!;
    const far = calibration.far(score);
    // "No impostor scored this high" is not "FAR 0": report the bound the data supports.
    return {
      mls,
      cosine,
      decisionMetric: this.metric,
      estimatedFar: far.beyondData ? far.resolution : far.far,
      farBeyondData: far.beyondData,
      farResolution: far.resolution,
      targetFar: this.targetFar,
      threshold: band === null ? this.threshold : this.bands!.thresholds[band]!,
      uncertaintyBand: band,
      // The constructor refuses target FARs below the resolution, so a score beyond the data matches.
      match: far.beyondData || far.far <= this.targetFar,
    };
  }

  /** Scores and decides one pair (σ² used when both sides have it, for MLS and the uncertainty band). */
  compare(a: SubjectTemplate, b: SubjectTemplate): Decision {
    const dim = a.mu.length;
    const cosine = cosineSimilarity({ dim, mu: a.mu }, { dim, mu: b.mu });
    if (a.sigmaSq === null || b.sigmaSq === null) return this.decide(cosine, null);
    const mls = mutualLikelihoodScore({ dim, mu: a.mu, sigmaSq: a.sigmaSq }, { dim, mu: b.mu, sigmaSq: b.sigmaSq });
    return this.decide(cosine, mls, templateUncertainties(a, b));
  }
}

/** The two templates' uncertainties (harmonic means of σ²), or null when either has no σ². */
export function templateUncertainties(a: SubjectTemplate, b: SubjectTemplate): PairUncertainties | null {
  if (a.sigmaSq === null || b.sigmaSq === null) return null;
  return [uncertaintyScore({ dim: a.mu.length, mu: a.mu, sigmaSq: a.sigmaSq }), uncertaintyScore({ dim: b.mu.length, mu: b.mu, sigmaSq: b.sigmaSq })];
}
