/**
 * Quality-aware calibration: one impostor table per band of pair uncertainty. Two blurred
 * photos of different people look more alike than two sharp ones (the blurry-image
 * dilemma), so a single threshold set on mostly clean impostor pairs accepts far more than
 * its target FAR of degraded pairs. Here the calibration's impostor pairs are grouped by
 * the pair's uncertainty u_a + u_b (u = harmonic mean of an image's σ², the variance that
 * enters MLS for scalar σ²) into equal-count bands, and each band gets its own survival
 * table, so the threshold — and the promised FAR — follows the pair's quality. Pure: no I/O.
 */
import { PfeError } from '../core/errors.js';
import { type CalibratedMetric, checkImpostorTable, type ImpostorTable, impostorTable, ScoreCalibration } from './calibration.js';

/** The JSON content of banded tables (part of a calibration file). */
export interface UncertaintyBandTables {
  /**
   * Band boundaries on the pair uncertainty u_a + u_b, strictly ascending, K−1 values for K
   * bands: band k holds edges[k−1] ≤ u < edges[k] (band 0 everything below edges[0], band
   * K−1 everything from edges[K−2] up).
   */
  readonly edges: readonly number[];
  /** K tables per metric, band order. */
  readonly cosine: readonly ImpostorTable[];
  readonly mls?: readonly ImpostorTable[];
}

/** Loaded banded calibrations. */
export interface UncertaintyBands {
  readonly edges: readonly number[];
  readonly cosine: readonly ScoreCalibration[];
  readonly mls: readonly ScoreCalibration[] | undefined;
}

/**
 * The uncertainty of a pair: u_a + u_b, each the harmonic mean of an image's σ² (the
 * `uncertainty` the service reports). For scalar σ² it is the variance of μ_a − μ_b per
 * dimension under the two Gaussians.
 * @throws PfeError NON_FINITE unless both are finite and > 0
 */
export function pairUncertainty(a: number, b: number): number {
  if (!(a > 0 && b > 0 && Number.isFinite(a) && Number.isFinite(b))) throw new PfeError('NON_FINITE', `image uncertainties must be finite and > 0, got ${a} and ${b}`);
  return a + b;
}

/** Index of the band holding pair uncertainty u (see UncertaintyBandTables.edges). */
export function bandOf(edges: readonly number[], u: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (u >= edges[mid]!) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Equal-count band edges: the k/K quantiles (k = 1..K−1) of the pair uncertainties.
 * @throws PfeError INVALID_ARGUMENT when K < 1, or when ties leave fewer than K distinct bands
 */
export function equalCountEdges(pairU: Float64Array, bandCount: number): number[] {
  if (!Number.isInteger(bandCount) || bandCount < 1) throw new PfeError('INVALID_ARGUMENT', `band count must be a positive integer, got ${bandCount}`);
  const sorted = Float64Array.from(pairU).sort();
  const edges: number[] = [];
  for (let k = 1; k < bandCount; k++) {
    const e = sorted[Math.floor((k * sorted.length) / bandCount)]!;
    // Every band must hold some pairs: each edge above the one before (and the first above the minimum).
    if (!(e > (edges.at(-1) ?? sorted[0]!))) throw new PfeError('INVALID_ARGUMENT', `pair uncertainties have too many ties for ${bandCount} bands`);
    edges.push(e);
  }
  return edges;
}

/**
 * One survival table per band from impostor scores and their pairs' uncertainties.
 * @param scores impostor scores of one metric, length N
 * @param pairU their pair uncertainties, length N
 * @param tail exact tail knots per band (see impostorTable)
 * @throws PfeError DIMENSION_MISMATCH on lengths, EMPTY_INPUT for an empty band
 */
export function bandTables(metric: CalibratedMetric, scores: Float64Array, pairU: Float64Array, edges: readonly number[], tail: number): ImpostorTable[] {
  if (scores.length !== pairU.length) throw new PfeError('DIMENSION_MISMATCH', `${scores.length} scores but ${pairU.length} pair uncertainties`);
  const counts = new Int32Array(edges.length + 1);
  const band = new Int32Array(scores.length);
  for (let k = 0; k < scores.length; k++) counts[(band[k] = bandOf(edges, pairU[k]!))]!++;
  const perBand = Array.from(counts, (c) => new Float64Array(c));
  const fill = new Int32Array(counts.length);
  for (let k = 0; k < scores.length; k++) perBand[band[k]!]![fill[band[k]!]!++] = scores[k]!;
  return perBand.map((s, i) => {
    if (s.length === 0) throw new PfeError('EMPTY_INPUT', `uncertainty band ${i} holds no impostor pair`);
    return impostorTable(metric, s.sort(), tail);
  });
}

/** Checks and loads banded tables read from a file. @throws PfeError INVALID_FORMAT */
export function loadUncertaintyBands(t: UncertaintyBandTables, hasMls: boolean): UncertaintyBands {
  const bad = (why: string): never => {
    throw new PfeError('INVALID_FORMAT', `uncertainty bands: ${why}`);
  };
  if (!Array.isArray(t.edges) || !Array.isArray(t.cosine)) bad('edges and cosine must be arrays');
  for (let k = 0; k < t.edges.length; k++) {
    const e = t.edges[k]!;
    if (typeof e !== 'number' || !(e > 0) || !Number.isFinite(e) || (k > 0 && !(e > t.edges[k - 1]!))) bad(`edge ${k} must be a finite number > 0, above the one before`);
  }
  const load = (tables: readonly ImpostorTable[], metric: CalibratedMetric): ScoreCalibration[] => {
    if (tables.length !== t.edges.length + 1) bad(`${metric} has ${tables.length} tables for ${t.edges.length + 1} bands`);
    return tables.map((table, k) => {
      if (table.metric !== metric) bad(`${metric} band ${k} has metric '${String(table.metric)}'`);
      try {
        checkImpostorTable(table);
      } catch (e) {
        bad(`${metric} band ${k}: ${e instanceof Error ? e.message : String(e)}`);
      }
      return new ScoreCalibration(table);
    });
  };
  if (hasMls && t.mls === undefined) bad('the file has an MLS table but no MLS bands');
  return { edges: t.edges, cosine: load(t.cosine, 'cosine'), mls: t.mls === undefined ? undefined : load(t.mls, 'mls') };
}
