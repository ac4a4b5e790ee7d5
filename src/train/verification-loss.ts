/**
 * A pairwise verification loss for the uncertainty head: every pair of the batch, genuine
 * and impostor, clean and degraded, is classified by its MLS against a threshold, with a
 * logistic loss on each side. Unlike the paper's loss, which only pulls genuine pairs
 * together, it is paid when an impostor pair scores like a genuine one — in particular two
 * degraded photos of different people, the blurry-image dilemma's own pairs — so σ² is
 * pushed up on the images whose impostor pairs would otherwise be accepted.
 *
 *   L_ij  = reference-form −MLS (mls-loss.ts pairTerm; lower = more alike)
 *   b     = (mean_genuine L + mean_impostor L) / 2                (the batch midpoint)
 *   T     = max(1 nat, temperatureFraction · (mean_impostor L − mean_genuine L))
 *   loss  = mean_genuine softplus((L − b)/T) + mean_impostor softplus((b − L)/T)
 *
 * b and T follow the batch (the gradient flows through them too, so the loss is a proper
 * function of σ² that a finite-difference check can verify), so the loss has the same
 * scale for any D and any σ² range; the
 * two means weigh genuine and impostor pairs equally although impostors are ~80× more
 * numerous in a 64 × 4 batch. `activeImpostorShare` reports how many impostor pairs still
 * carry a gradient (sigmoid > 1%), which the paper-loss impostor term never did.
 */
import { PfeError } from '../core/errors.js';
import { pairTerm, type PairList } from './mls-loss.js';

/** Sigmoid value above which a pair counts as active (its loss gradient is ≥ 1% of the largest). */
const ACTIVE_SIGMOID = 0.01;

/** Inputs of verificationLoss. */
export interface VerificationLossInput {
  /** B×D centred (or raw), L2-normalised mu of the batch. */
  readonly mu: Float32Array;
  readonly dim: number;
  /** σ²: B values (scalar mode) or B×D. */
  readonly sigmaSq: Float64Array;
  readonly genuine: PairList;
  readonly impostor: PairList;
  /** T as a fraction of the batch's gap between the mean impostor and genuine L, > 0. */
  readonly temperatureFraction: number;
}

/** Value and diagnostics of verificationLoss. */
export interface VerificationLossValue {
  readonly loss: number;
  /** The batch threshold b (reference-form L, nats). */
  readonly threshold: number;
  /** Share of impostor pairs with sigmoid((b − L)/T) > 1%. */
  readonly activeImpostorShare: number;
}

function softplus(t: number): number {
  return t > 30 ? t : Math.log1p(Math.exp(t));
}

/**
 * The loss and, when `grad` is given, adds weight·∂loss/∂σ² into it (compact σ² layout; the
 * caller zeroes it).
 * @throws PfeError EMPTY_INPUT without genuine or impostor pairs, INVALID_ARGUMENT for a bad temperature
 */
export function verificationLoss(input: VerificationLossInput, grad?: Float64Array, weight = 1): VerificationLossValue {
  const { mu, dim, sigmaSq, genuine, impostor } = input;
  if (!(input.temperatureFraction > 0)) throw new PfeError('INVALID_ARGUMENT', `temperatureFraction must be > 0, got ${input.temperatureFraction}`);
  const g = genuine.a.length;
  const m = impostor.a.length;
  if (g === 0 || m === 0) throw new PfeError('EMPTY_INPUT', `the verification loss needs genuine and impostor pairs, got ${g} and ${m}`);
  const perDim = sigmaSq.length === mu.length && dim > 1;
  const lg = new Float64Array(g);
  const li = new Float64Array(m);
  let meanG = 0;
  let meanI = 0;
  for (let k = 0; k < g; k++) meanG += lg[k] = pairTerm(mu, dim, sigmaSq, perDim, genuine.a[k]!, genuine.b[k]!, undefined, 0);
  for (let k = 0; k < m; k++) meanI += li[k] = pairTerm(mu, dim, sigmaSq, perDim, impostor.a[k]!, impostor.b[k]!, undefined, 0);
  meanG /= g;
  meanI /= m;
  const b = (meanG + meanI) / 2;
  // A batch whose impostors already score like its genuine pairs has no gap: fall back to 1 nat.
  const t = Math.max(1, input.temperatureFraction * (meanI - meanG));
  const clamped = input.temperatureFraction * (meanI - meanG) < 1;
  let lossG = 0;
  let lossI = 0;
  let active = 0;
  // ∂loss/∂b and ∂loss/∂T, to carry the gradient through the batch threshold and temperature.
  let dB = 0;
  let dT = 0;
  const sigG = new Float64Array(g);
  const sigI = new Float64Array(m);
  for (let k = 0; k < g; k++) {
    const z = (lg[k]! - b) / t;
    lossG += softplus(z);
    sigG[k] = 1 / (1 + Math.exp(-z));
    dB -= sigG[k]! / (g * t);
    dT -= (sigG[k]! * z) / (g * t);
  }
  for (let k = 0; k < m; k++) {
    const z = (b - li[k]!) / t;
    lossI += softplus(z);
    sigI[k] = 1 / (1 + Math.exp(-z));
    if (sigI[k]! > ACTIVE_SIGMOID) active++;
    dB += sigI[k]! / (m * t);
    dT -= (sigI[k]! * z) / (m * t);
  }
  if (grad !== undefined) {
    // b = (meanG + meanI)/2 and T = f·(meanI − meanG) (constant when clamped at 1 nat).
    const dTdMean = clamped ? 0 : input.temperatureFraction;
    for (let k = 0; k < g; k++) {
      const d = sigG[k]! / (g * t) + dB / (2 * g) - (dT * dTdMean) / g;
      pairTerm(mu, dim, sigmaSq, perDim, genuine.a[k]!, genuine.b[k]!, grad, weight * d);
    }
    for (let k = 0; k < m; k++) {
      const d = -sigI[k]! / (m * t) + dB / (2 * m) + (dT * dTdMean) / m;
      pairTerm(mu, dim, sigmaSq, perDim, impostor.a[k]!, impostor.b[k]!, grad, weight * d);
    }
  }
  return { loss: lossG / g + lossI / m, threshold: b, activeImpostorShare: active / m };
}
