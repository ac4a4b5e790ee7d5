import { PfeError } from './errors.js';

/** 2^32, to turn a uint32 into a fraction of the unit interval. */
const TWO_POW_32 = 4294967296;

/**
 * A small seeded pseudo-random generator: mulberry32 (Tommy Ettinger, public domain,
 * https://gist.github.com/tommyettinger/46a874533244883189143505d203312c) for uniform
 * 32-bit words, and the Box–Muller transform (Box & Muller 1958) for standard normals.
 *
 * Deterministic: the same seed gives the same sequence on every platform (only 32-bit
 * integer arithmetic via Math.imul, plus Math.log/cos/sin for normals, which V8 computes
 * identically everywhere it runs). Period 2^32, enough for noise on images up to about a
 * billion samples; not for cryptography, and not for very long simulations.
 * Pure: no I/O, runs in browsers.
 */
export class SeededRandom {
  private state: number;
  /** Second Box–Muller output, kept for the next call (NaN when none is pending). */
  private spareNormal = Number.NaN;

  /**
   * @param seed an integer in 0..2^32−1
   * @throws PfeError INVALID_ARGUMENT for anything else (a fraction or a larger number would be silently folded)
   */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new PfeError('INVALID_ARGUMENT', `seed must be an integer in 0..4294967295, got ${seed}`, { seed });
    }
    this.state = seed | 0;
  }

  /** The next uniform 32-bit unsigned integer (mulberry32 step). */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = Math.imul(this.state ^ (this.state >>> 15), 1 | this.state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A uniform number in [0, 1) with 32 random bits. */
  nextFloat(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /**
   * A standard normal N(0, 1) sample. Box–Muller on two uniforms: u1 = (w1 + 0.5)/2^32 in
   * (0, 1) so log(u1) is finite, u2 = w2/2^32; returns r·cos(2πu2) now and r·sin(2πu2) on
   * the next call, with r = sqrt(−2 ln u1).
   */
  nextGaussian(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const z = this.spareNormal;
      this.spareNormal = Number.NaN;
      return z;
    }
    const u1 = (this.nextUint32() + 0.5) / TWO_POW_32;
    const u2 = this.nextUint32() / TWO_POW_32;
    const r = Math.sqrt(-2 * Math.log(u1));
    const angle = 2 * Math.PI * u2;
    this.spareNormal = r * Math.sin(angle);
    return r * Math.cos(angle);
  }
}

/**
 * A seed for an independent sub-stream, derived from a base seed and a stream index
 * (e.g. one per degradation step) by one splitmix32-style mix, so neighbouring indices
 * give unrelated sequences. Both inputs are integers in 0..2^32−1; the result is too.
 * @throws PfeError INVALID_ARGUMENT for out-of-range inputs
 */
export function deriveSeed(seed: number, stream: number): number {
  for (const [name, v] of [
    ['seed', seed],
    ['stream', stream],
  ] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
      throw new PfeError('INVALID_ARGUMENT', `${name} must be an integer in 0..4294967295, got ${v}`, { [name]: v });
    }
  }
  // 0x9e3779b9 = 2^32/φ (golden ratio increment); the multipliers are splitmix32's/murmur3's finaliser constants.
  let z = (seed + Math.imul(stream + 1, 0x9e3779b9)) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}
