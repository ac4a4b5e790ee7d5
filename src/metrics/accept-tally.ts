/**
 * Tallies of calibrated accept/reject verdicts over labelled pairs: how many genuine and
 * impostor pairs a fixed-threshold decision accepted, how many pairs could not be scored
 * (an image without a detected face), and the accept rates with a 95% Wilson interval.
 * Pure (no I/O), so the blur experiment's counting can be tested on its own.
 */
import { PfeError } from '../core/errors.js';

/** Accepted and scored pairs of one class. */
export interface ClassTally {
  /** Pairs of this class whose verdict was "same person". */
  readonly accepted: number;
  /** Pairs of this class that were scored (both images embedded); the rate's denominator. */
  readonly scored: number;
  /** Pairs of this class not scored because an image failed (not in `scored`). */
  readonly lost: number;
}

/** The verdicts of one metric on one set of pairs. */
export interface AcceptTally {
  readonly genuine: ClassTally;
  readonly impostor: ClassTally;
}

/**
 * Counts accepted pairs per class; lost pairs are neither accepted nor in the denominators.
 * @param labels P labels, 1 = genuine (same person), 0 = impostor
 * @param lost P flags, 1 = the pair could not be scored (its `accepted` flag is ignored)
 * @param accepted P flags, 1 = the decision said "same person"
 * @throws PfeError DIMENSION_MISMATCH when the three arrays differ in length
 */
export function tallyAccepts(labels: Uint8Array, lost: Uint8Array, accepted: Uint8Array): AcceptTally {
  const p = labels.length;
  if (lost.length !== p || accepted.length !== p) {
    throw new PfeError('DIMENSION_MISMATCH', `labels, lost and accepted must have one entry per pair: ${p}, ${lost.length}, ${accepted.length}`);
  }
  // [impostor, genuine] × [accepted, scored, lost]
  const c = [0, 0, 0, 0, 0, 0];
  for (let i = 0; i < p; i++) {
    const o = labels[i] === 1 ? 3 : 0;
    if (lost[i] === 1) {
      c[o + 2]!++;
      continue;
    }
    c[o + 1]!++;
    if (accepted[i] === 1) c[o]!++;
  }
  return {
    impostor: { accepted: c[0]!, scored: c[1]!, lost: c[2]! },
    genuine: { accepted: c[3]!, scored: c[4]!, lost: c[5]! },
  };
}

/** A proportion with its 95% Wilson score interval. */
export interface RateWithInterval {
  /** accepted / scored (NaN when nothing was scored). */
  readonly rate: number;
  readonly lower: number;
  readonly upper: number;
}

/**
 * 95% two-sided normal quantile (z = 1.959964), the usual choice for a binomial interval.
 */
const Z95 = 1.959963984540054;

/**
 * The accept rate of a class with its 95% Wilson score interval (Wilson 1927): unlike the
 * normal approximation it stays inside [0, 1] and is not zero-width at 0 accepts, which
 * matters for false-accept counts of a few pairs out of thousands.
 */
export function acceptRate(t: ClassTally): RateWithInterval {
  const n = t.scored;
  if (n === 0) return { rate: NaN, lower: NaN, upper: NaN };
  const p = t.accepted / n;
  const z2 = Z95 * Z95;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (Z95 / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { rate: p, lower: Math.max(0, centre - half), upper: Math.min(1, centre + half) };
}
