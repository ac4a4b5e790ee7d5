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
  /** Smallest calibrated score accepted at targetFar (the decision metric's units). */
  readonly threshold: number;
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
  return `${d.match ? 'same person' : 'different people'} (estimated FAR ${far}; accepted when ≤ ${d.targetFar})`;
}

/** Decides comparisons at a target FAR with one calibration. */
export class DecisionPolicy {
  readonly metric: CalibratedMetric;
  readonly threshold: number;
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
  }

  /** The decision for already computed scores. */
  decide(cosine: number, mls: number | null): Decision {
    const score = this.metric === 'mls' ? mls : cosine;
    if (score === null) throw new Error('an MLS decision needs σ² on both sides');
    const far = this.calibration.far(score);
    // "No impostor scored this high" is not "FAR 0": report the bound the data supports.
    return {
      mls,
      cosine,
      decisionMetric: this.metric,
      estimatedFar: far.beyondData ? far.resolution : far.far,
      farBeyondData: far.beyondData,
      farResolution: far.resolution,
      targetFar: this.targetFar,
      threshold: this.threshold,
      // The constructor refuses target FARs below the resolution, so a score beyond the data matches.
      match: far.beyondData || far.far <= this.targetFar,
    };
  }

  /** Scores and decides one pair (σ² used when both sides have it). */
  compare(a: SubjectTemplate, b: SubjectTemplate): Decision {
    const dim = a.mu.length;
    const cosine = cosineSimilarity({ dim, mu: a.mu }, { dim, mu: b.mu });
    const mls = a.sigmaSq !== null && b.sigmaSq !== null ? mutualLikelihoodScore({ dim, mu: a.mu, sigmaSq: a.sigmaSq }, { dim, mu: b.mu, sigmaSq: b.sigmaSq }) : null;
    return this.decide(cosine, mls);
  }
}
