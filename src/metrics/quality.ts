import { PfeError } from '../core/errors.js';
import { assertFiniteScores } from './validate.js';

/**
 * Which direction of a quality value is good. Face-quality scores are usually
 * 'higher-is-better'; PFE uncertainty (e.g. the harmonic mean of sigma², the paper's
 * confidence measure) is 'lower-is-better'. Every quality function takes it explicitly,
 * so an uncertainty is never silently treated as a quality.
 */
export type QualityOrder = 'higher-is-better' | 'lower-is-better';

function checkOrder(order: QualityOrder): void {
  if (order !== 'higher-is-better' && order !== 'lower-is-better') {
    throw new PfeError('INVALID_ARGUMENT', `quality order must be 'higher-is-better' or 'lower-is-better', got '${String(order)}'`);
  }
}

/**
 * Quality of a pair = the worse of its two image qualities (min when higher is better,
 * max when lower is better), in the same order as the input.
 * @param qualityA N qualities of the first images; qualityB N of the second images.
 * @throws PfeError DIMENSION_MISMATCH, EMPTY_INPUT, NON_FINITE, INVALID_ARGUMENT
 */
export function pairQuality(qualityA: ArrayLike<number>, qualityB: ArrayLike<number>, order: QualityOrder): Float64Array {
  checkOrder(order);
  if (qualityA.length !== qualityB.length) {
    throw new PfeError('DIMENSION_MISMATCH', `qualityA has ${qualityA.length} values but qualityB has ${qualityB.length}`, { a: qualityA.length, b: qualityB.length });
  }
  if (qualityA.length === 0) throw new PfeError('EMPTY_INPUT', 'at least one pair is required');
  assertFiniteScores(qualityA, 'qualityA');
  assertFiniteScores(qualityB, 'qualityB');
  const out = new Float64Array(qualityA.length);
  const higher = order === 'higher-is-better';
  for (let i = 0; i < out.length; i++) {
    const a = qualityA[i]!;
    const b = qualityB[i]!;
    out[i] = higher ? Math.min(a, b) : Math.max(a, b);
  }
  return out;
}

/**
 * Pair qualities from per-image qualities and the two image indices of each pair.
 * @param imageQuality K image qualities.
 * @param indexA N indices (0..K−1) of the first images; indexB N of the second.
 * @throws PfeError DIMENSION_MISMATCH, EMPTY_INPUT, NON_FINITE, INDEX_OUT_OF_RANGE, INVALID_ARGUMENT
 */
export function pairQualityFromImages(imageQuality: ArrayLike<number>, indexA: ArrayLike<number>, indexB: ArrayLike<number>, order: QualityOrder): Float64Array {
  checkImagePairIndices(indexA, indexB, imageQuality.length);
  const a = new Float64Array(indexA.length);
  const b = new Float64Array(indexB.length);
  for (let i = 0; i < a.length; i++) {
    a[i] = imageQuality[indexA[i]!]!;
    b[i] = imageQuality[indexB[i]!]!;
  }
  return pairQuality(a, b, order);
}

/** Checks two equal-length index arrays with every entry an integer in 0..count−1. */
export function checkImagePairIndices(indexA: ArrayLike<number>, indexB: ArrayLike<number>, count: number): void {
  if (indexA.length !== indexB.length) {
    throw new PfeError('DIMENSION_MISMATCH', `indexA has ${indexA.length} entries but indexB has ${indexB.length}`, { a: indexA.length, b: indexB.length });
  }
  for (const [name, idx] of [['indexA', indexA], ['indexB', indexB]] as const) {
    for (let i = 0; i < idx.length; i++) {
      const v = idx[i]!;
      if (!Number.isInteger(v) || v < 0 || v >= count) {
        throw new PfeError('INDEX_OUT_OF_RANGE', `${name}[${i}] is ${v}; image indices must lie in 0..${count - 1}`, { name, index: i, value: v, count });
      }
    }
  }
}

/**
 * Indices 0..N−1 ordered worst quality first. Ties keep index order (the lower index is
 * treated as worse), so discarding the first d entries is deterministic.
 * Qualities must be finite (validated by the caller).
 */
export function worstFirstOrder(quality: ArrayLike<number>, order: QualityOrder): Uint32Array {
  checkOrder(order);
  const idx = new Uint32Array(quality.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  const sign = order === 'higher-is-better' ? 1 : -1;
  idx.sort((a, b) => {
    const qa = quality[a]!;
    const qb = quality[b]!;
    if (qa !== qb) return qa < qb ? -sign : sign;
    return a - b;
  });
  return idx;
}
