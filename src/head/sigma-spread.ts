/**
 * Widening the head's σ² range after training. The paper's loss fits σ² to the distances of
 * genuine pairs, which makes σ² of a poor photo only ×2–3 that of a sharp one; for MLS to
 * push two poor photos of different people below a sharp/poor genuine pair, σ² must rise
 * further (with scalar σ², MLS = −‖Δμ‖²/2S − (D/2)·log S falls with S only once
 * S > ‖Δμ‖²/D). The spread maps σ² to m·(σ²/m)^k around a reference m (e.g. the training
 * images' mean clean σ²): k = 1 is the head as trained, k > 1 keeps σ² = m and widens the
 * range on both sides. As σ² = floor + exp(γ·z + β), it is the head itself with
 * γ' = k·γ and β' = k·β − (k − 1)·ln m (the 1e-6 floor aside), so the model file format and
 * every consumer stay as they are.
 */
import { PfeError } from '../core/errors.js';
import type { UncertaintyHead } from './head-model.js';

/**
 * The head with its σ² range widened by `power` around `reference`.
 * @param power k ≥ 1 (1 returns an equal head)
 * @param reference m > 0, the σ² that stays fixed
 * @throws PfeError INVALID_ARGUMENT for k < 1 or m ≤ 0
 */
export function spreadSigma(head: UncertaintyHead, power: number, reference: number): UncertaintyHead {
  if (!(power >= 1) || !Number.isFinite(power)) throw new PfeError('INVALID_ARGUMENT', `σ² spread power must be a finite number ≥ 1, got ${power}`);
  if (!(reference > 0) || !Number.isFinite(reference)) throw new PfeError('INVALID_ARGUMENT', `σ² spread reference must be a finite number > 0, got ${reference}`);
  const w = head.weights;
  return {
    ...head,
    weights: {
      ...w,
      sigmaGamma: Float32Array.of(power * w.sigmaGamma[0]!),
      sigmaBeta: Float32Array.of(power * w.sigmaBeta[0]! - (power - 1) * Math.log(reference)),
    },
    training: { ...head.training, sigmaSpread: { power, reference, note: 'σ² → reference·(σ²/reference)^power after training (src/head/sigma-spread.ts)' } },
  };
}
