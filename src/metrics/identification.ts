import { PfeError } from '../core/errors.js';
import { thresholdsFromSortedImpostors } from './far.js';
import { validateRates } from './validate.js';
import type { ScoreArray } from './validate.js';

/** Identity ids of probes or gallery entries. */
export type IdentityIds = Int32Array;

/** Closed-set identification rates at several ranks. */
export interface CmcResult {
  /** The ranks asked for (1-based). */
  readonly ranks: Int32Array;
  /** Fraction of mated probes whose identity appears within the top `ranks[i]` gallery entries. */
  readonly identificationRates: Float64Array;
  /** Probes whose identity is in the gallery (the denominator). */
  readonly matedProbes: number;
  /** Probes whose identity is not in the gallery (ignored by closed-set CMC). */
  readonly nonMatedProbes: number;
}

/** Open-set identification at one false alarm rate. */
export interface DirAtFarPoint {
  /** The requested false alarm rate. */
  readonly far: number;
  /** A probe is "detected" when its score ≥ threshold. */
  readonly threshold: number;
  /** Fraction of non-mated probes whose best gallery score is ≥ threshold. */
  readonly achievedFar: number;
  /** Detection and identification rate for each requested rank (same order as `ranks`). */
  readonly dir: Float64Array;
}

/** Open-set identification over several false alarm rates. */
export interface DirAtFarResult {
  readonly ranks: Int32Array;
  readonly points: DirAtFarPoint[];
  readonly matedProbes: number;
  readonly nonMatedProbes: number;
}

/** Per-probe summary of a probe×gallery score matrix. */
interface ProbeSummary {
  /** For each mated probe: its highest score against a gallery entry of its own identity. */
  readonly matedScore: Float64Array;
  /** For each mated probe: 1 + number of other-identity entries scoring ≥ matedScore. */
  readonly matedRank: Int32Array;
  /** For each non-mated probe: its highest score over the whole gallery. */
  readonly nonMatedMax: Float64Array;
}

function validateMatrix(scores: ScoreArray, probeIds: IdentityIds, galleryIds: IdentityIds): void {
  const m = probeIds.length;
  const n = galleryIds.length;
  if (m === 0 || n === 0) throw new PfeError('EMPTY_INPUT', `identification needs at least one probe and one gallery entry (got ${m}×${n})`, { probes: m, gallery: n });
  if (scores.length !== m * n) {
    throw new PfeError('DIMENSION_MISMATCH', `score matrix has ${scores.length} values; ${m} probes × ${n} gallery entries need ${m * n}`, {
      scoresLength: scores.length,
      probes: m,
      gallery: n,
    });
  }
  for (let k = 0; k < scores.length; k++) {
    const v = scores[k]!;
    if (!Number.isFinite(v)) {
      const row = Math.floor(k / n);
      throw new PfeError('NON_FINITE', `scores[${row}][${k - row * n}] is ${v}; every score must be finite`, { row, column: k - row * n, value: v });
    }
  }
}

/**
 * Splits probes into mated (identity present in the gallery) and non-mated.
 * Ties are resolved against the probe: an impostor entry scoring exactly the mated score
 * counts as ranked above it, so a constant score matrix does not look perfect.
 * A gallery may hold several entries of one identity; the best of them counts (with one
 * entry per identity this is the reference `DIR_FAR`'s single ground-truth score).
 */
function summariseProbes(scores: ScoreArray, probeIds: IdentityIds, galleryIds: IdentityIds): ProbeSummary {
  const m = probeIds.length;
  const n = galleryIds.length;
  const inGallery = new Set<number>();
  for (let j = 0; j < n; j++) inGallery.add(galleryIds[j]!);
  let mated = 0;
  for (let i = 0; i < m; i++) if (inGallery.has(probeIds[i]!)) mated++;
  const matedScore = new Float64Array(mated);
  const matedRank = new Int32Array(mated);
  const nonMatedMax = new Float64Array(m - mated);
  let a = 0;
  let b = 0;
  for (let i = 0; i < m; i++) {
    const id = probeIds[i]!;
    const row = i * n;
    if (inGallery.has(id)) {
      let best = -Infinity;
      for (let j = 0; j < n; j++) if (galleryIds[j] === id && scores[row + j]! > best) best = scores[row + j]!;
      let above = 0;
      for (let j = 0; j < n; j++) if (galleryIds[j] !== id && scores[row + j]! >= best) above++;
      matedScore[a] = best;
      matedRank[a] = 1 + above;
      a++;
    } else {
      let max = -Infinity;
      for (let j = 0; j < n; j++) if (scores[row + j]! > max) max = scores[row + j]!;
      nonMatedMax[b++] = max;
    }
  }
  return { matedScore, matedRank, nonMatedMax };
}

function validateRanks(ranks: ArrayLike<number>): Int32Array {
  if (ranks.length === 0) throw new PfeError('EMPTY_INPUT', 'ranks must hold at least one rank');
  const out = new Int32Array(ranks.length);
  for (let i = 0; i < ranks.length; i++) {
    const r = ranks[i]!;
    if (!Number.isInteger(r) || r < 1 || r > 0x7fffffff) throw new PfeError('INVALID_ARGUMENT', `ranks[${i}] is ${r}; ranks are integers ≥ 1`, { index: i, value: r });
    out[i] = r;
  }
  return out;
}

/**
 * Closed-set cumulative match characteristic (CMC): for each rank r, the fraction of mated
 * probes whose identity is among the r best-scoring gallery entries. Non-mated probes are
 * ignored, as in the reference `DIR_FAR` with FARs = [1.0].
 * @param scores probe×gallery similarity matrix, M×N row-major (row = probe).
 * @param probeIds M identity ids; galleryIds N identity ids (duplicates allowed).
 * @param ranks ranks to report (1-based); default 1..N.
 * @throws PfeError DIMENSION_MISMATCH, EMPTY_INPUT (no mated probe), NON_FINITE, INVALID_ARGUMENT
 */
export function cmc(scores: ScoreArray, probeIds: IdentityIds, galleryIds: IdentityIds, ranks?: ArrayLike<number>): CmcResult {
  validateMatrix(scores, probeIds, galleryIds);
  const rankList = validateRanks(ranks ?? Int32Array.from({ length: galleryIds.length }, (_, i) => i + 1));
  const s = summariseProbes(scores, probeIds, galleryIds);
  const mated = s.matedRank.length;
  if (mated === 0) throw new PfeError('EMPTY_INPUT', 'no probe identity occurs in the gallery, so there is no mated probe to identify');
  const identificationRates = new Float64Array(rankList.length);
  for (let r = 0; r < rankList.length; r++) {
    let hits = 0;
    for (let p = 0; p < mated; p++) if (s.matedRank[p]! <= rankList[r]!) hits++;
    identificationRates[r] = hits / mated;
  }
  return { ranks: rankList, identificationRates, matedProbes: mated, nonMatedProbes: s.nonMatedMax.length };
}

/**
 * Open-set detection and identification rate at false alarm rates (the reference `DIR_FAR`,
 * IJB-style): non-mated probes are those whose identity is not in the gallery; the threshold
 * at each FAR comes from their best gallery scores with the reference `find_thresholds_by_FAR`
 * rule (see `thresholdsAtFar`). A mated probe counts at rank r when its mated score is
 * ≥ threshold and it is ranked within the top r. DIR is over mated probes.
 * (The reference's closed-set shortcut for FARs = [1.0] is `cmc` here.)
 * @param scores probe×gallery similarity matrix, M×N row-major (row = probe).
 * @param probeIds M identity ids; galleryIds N identity ids.
 * @param fars false alarm rates in [0, 1].
 * @param ranks ranks to report (1-based), default [1].
 * @throws PfeError DIMENSION_MISMATCH, EMPTY_INPUT (no mated or no non-mated probe), NON_FINITE, INVALID_ARGUMENT
 */
export function dirAtFar(scores: ScoreArray, probeIds: IdentityIds, galleryIds: IdentityIds, fars: ArrayLike<number>, ranks: ArrayLike<number> = [1]): DirAtFarResult {
  validateMatrix(scores, probeIds, galleryIds);
  validateRates(fars, 'fars');
  const rankList = validateRanks(ranks);
  const s = summariseProbes(scores, probeIds, galleryIds);
  const mated = s.matedRank.length;
  const nonMated = s.nonMatedMax.length;
  if (mated === 0) throw new PfeError('EMPTY_INPUT', 'no probe identity occurs in the gallery, so there is no mated probe to identify');
  if (nonMated === 0) throw new PfeError('EMPTY_INPUT', 'open-set identification needs at least one non-mated probe (identity absent from the gallery) to set the threshold');
  const sortedNonMated = Float64Array.from(s.nonMatedMax).sort();
  const thresholds = thresholdsFromSortedImpostors(sortedNonMated, fars);
  const points: DirAtFarPoint[] = [];
  for (let f = 0; f < fars.length; f++) {
    const threshold = thresholds[f]!;
    const dir = new Float64Array(rankList.length);
    for (let r = 0; r < rankList.length; r++) {
      let hits = 0;
      for (let p = 0; p < mated; p++) if (s.matedRank[p]! <= rankList[r]! && s.matedScore[p]! >= threshold) hits++;
      dir[r] = hits / mated;
    }
    let alarms = 0;
    for (let q = 0; q < nonMated; q++) if (s.nonMatedMax[q]! >= threshold) alarms++;
    points.push({ far: fars[f]!, threshold, achievedFar: alarms / nonMated, dir });
  }
  return { ranks: rankList, points, matedProbes: mated, nonMatedProbes: nonMated };
}
