/**
 * Quality-aware calibration: one impostor table per cell of the pair's two uncertainties.
 * Two blurred photos of different people look more alike than two sharp ones (the
 * blurry-image dilemma), so a single threshold set on mostly clean impostor pairs accepts
 * far more than its target FAR of degraded pairs. Here the calibration's impostor pairs are
 * grouped by the uncertainty u (harmonic mean of an image's σ², the service's
 * `uncertainty`) of the pair's more certain photo, in equal-count bands, and within each
 * band by the uncertainty of the less certain photo, again in equal-count bands; each cell
 * gets its own survival table, so the threshold — and the promised FAR — follows the pair's
 * quality. Two coordinates, not the sum u_a + u_b: a clean photo against a very poor one has
 * the sum of two mediocre photos, but its impostors look much less alike (measured, see
 * docs/RESULTS.md). Pure: no I/O.
 */
import { cosinePairs } from '../core/cosine.js';
import type { GaussianBatch } from '../core/embedding.js';
import { PfeError } from '../core/errors.js';
import { mlsPairs } from '../core/mls.js';
import { uncertaintyScores } from '../core/uncertainty.js';
import { type CalibratedMetric, checkImpostorTable, type ImpostorTable, impostorTable, ScoreCalibration } from './calibration.js';

/** The JSON content of banded tables (part of a calibration file). */
export interface UncertaintyBandTables {
  /**
   * Boundaries on the smaller of the pair's two uncertainties, strictly ascending, K−1
   * values for K bands: band k holds edges[k−1] ≤ u < edges[k] (band 0 everything below
   * edges[0], band K−1 everything from edges[K−2] up).
   */
  readonly edges: readonly number[];
  /** Per band of `edges`, boundaries on the larger uncertainty (L−1 values, same rule). */
  readonly innerEdges: readonly (readonly number[])[];
  /** K×L tables per metric, cell (k, l) at k·L + l. */
  readonly cosine: readonly ImpostorTable[];
  readonly mls?: readonly ImpostorTable[];
}

/** Loaded banded calibrations. */
export interface UncertaintyBands {
  readonly edges: readonly number[];
  readonly innerEdges: readonly (readonly number[])[];
  readonly cosine: readonly ScoreCalibration[];
  readonly mls: readonly ScoreCalibration[] | undefined;
}

/** The two uncertainties of a pair's photos, in either order. */
export type PairUncertainties = readonly [number, number];

/**
 * The cell of a pair: band of the smaller uncertainty, then band of the larger one within it.
 * @returns the index into the tables (k·L + l)
 * @throws PfeError NON_FINITE unless both uncertainties are finite and > 0
 */
export function cellOf(bands: Pick<UncertaintyBandTables, 'edges' | 'innerEdges'>, u: PairUncertainties): number {
  const [a, b] = u;
  if (!(a > 0 && b > 0 && Number.isFinite(a) && Number.isFinite(b))) throw new PfeError('NON_FINITE', `image uncertainties must be finite and > 0, got ${a} and ${b}`);
  const k = bandOf(bands.edges, Math.min(a, b));
  const inner = bands.innerEdges[k]!;
  return k * (inner.length + 1) + bandOf(inner, Math.max(a, b));
}

/** Index of the band holding uncertainty u under ascending edges (see UncertaintyBandTables.edges). */
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
 * The cells of impostor pairs: equal-count bands of the smaller uncertainty, then
 * equal-count bands of the larger one within each.
 * @param uMin,uMax per pair, length N
 */
export function cellEdges(uMin: Float64Array, uMax: Float64Array, outerCount: number, innerCount: number): Pick<UncertaintyBandTables, 'edges' | 'innerEdges'> {
  if (uMin.length !== uMax.length) throw new PfeError('DIMENSION_MISMATCH', `${uMin.length} smaller but ${uMax.length} larger uncertainties`);
  const edges = equalCountEdges(uMin, outerCount);
  const members: number[][] = Array.from({ length: outerCount }, () => []);
  for (let k = 0; k < uMin.length; k++) members[bandOf(edges, uMin[k]!)]!.push(uMax[k]!);
  return { edges, innerEdges: members.map((m) => equalCountEdges(Float64Array.from(m), innerCount)) };
}

/**
 * One survival table per cell from impostor scores and their cells.
 * @param cells cell index of each score (cellOf), length N
 * @throws PfeError DIMENSION_MISMATCH on lengths, EMPTY_INPUT for an empty cell
 */
export function cellTables(metric: CalibratedMetric, scores: Float64Array, cells: Int32Array, cellCount: number, tail: number, bulkKnots?: number): ImpostorTable[] {
  if (scores.length !== cells.length) throw new PfeError('DIMENSION_MISMATCH', `${scores.length} scores but ${cells.length} cells`);
  const counts = new Int32Array(cellCount);
  for (const c of cells) counts[c]!++;
  const perCell = Array.from(counts, (c) => new Float64Array(c));
  const fill = new Int32Array(cellCount);
  for (let k = 0; k < scores.length; k++) perCell[cells[k]!]![fill[cells[k]!]!++] = scores[k]!;
  return perCell.map((s, i) => {
    if (s.length === 0) throw new PfeError('EMPTY_INPUT', `uncertainty cell ${i} holds no impostor pair`);
    return impostorTable(metric, s.sort(), tail, bulkKnots);
  });
}

function checkEdges(edges: unknown, what: string, bad: (why: string) => never): readonly number[] {
  if (!Array.isArray(edges)) return bad(`${what} must be an array`);
  for (let k = 0; k < edges.length; k++) {
    const e: unknown = edges[k];
    if (typeof e !== 'number' || !(e > 0) || !Number.isFinite(e) || (k > 0 && !(e > (edges[k - 1] as number)))) bad(`${what}[${k}] must be a finite number > 0, above the one before`);
  }
  return edges as number[];
}

/** Checks and loads banded tables read from a file. @throws PfeError INVALID_FORMAT */
export function loadUncertaintyBands(t: UncertaintyBandTables, hasMls: boolean): UncertaintyBands {
  const bad = (why: string): never => {
    throw new PfeError('INVALID_FORMAT', `uncertainty bands: ${why}`);
  };
  const edges = checkEdges(t.edges, 'edges', bad);
  if (!Array.isArray(t.innerEdges) || t.innerEdges.length !== edges.length + 1) bad(`innerEdges must hold one list per band (${edges.length + 1})`);
  const inner = t.innerEdges.map((e, k) => checkEdges(e, `innerEdges[${k}]`, bad));
  const innerCount = inner[0]!.length + 1;
  if (inner.some((e) => e.length + 1 !== innerCount)) bad('every band must have the same number of inner bands');
  const cellCount = (edges.length + 1) * innerCount;
  const load = (tables: readonly ImpostorTable[] | undefined, metric: CalibratedMetric): ScoreCalibration[] => {
    if (!Array.isArray(tables) || tables.length !== cellCount) bad(`${metric} must hold ${cellCount} tables (one per cell)`);
    return tables!.map((table, k) => {
      if (table.metric !== metric) bad(`${metric} cell ${k} has metric '${String(table.metric)}'`);
      try {
        checkImpostorTable(table);
      } catch (e) {
        bad(`${metric} cell ${k}: ${e instanceof Error ? e.message : String(e)}`);
      }
      return new ScoreCalibration(table);
    });
  };
  if (hasMls && t.mls === undefined) bad('the file has an MLS table but no MLS bands');
  return { edges, innerEdges: inner, cosine: load(t.cosine, 'cosine'), mls: t.mls === undefined ? undefined : load(t.mls, 'mls') };
}

/**
 * Banded cosine and MLS tables from impostor pairs (a[k], b[k]) of a batch with σ²: cells
 * of equal count (outerCount × innerCount), then each cell's tables.
 * @param tail exact tail knots per cell, bulkKnots strided knots below it (see impostorTable)
 */
export function impostorBandTables(batch: GaussianBatch, a: Uint32Array, b: Uint32Array, outerCount: number, innerCount: number, tail: number, bulkKnots?: number): UncertaintyBandTables {
  const u = uncertaintyScores(batch);
  const uMin = Float64Array.from(a, (i, k) => Math.min(u[i]!, u[b[k]!]!));
  const uMax = Float64Array.from(a, (i, k) => Math.max(u[i]!, u[b[k]!]!));
  const edges = cellEdges(uMin, uMax, outerCount, innerCount);
  const cells = Int32Array.from(a, (i, k) => cellOf(edges, [u[i]!, u[b[k]!]!]));
  const means = { count: batch.count, dim: batch.dim, mu: batch.mu };
  const cellCount = outerCount * innerCount;
  return {
    ...edges,
    cosine: cellTables('cosine', cosinePairs(means, means, a, b), cells, cellCount, tail, bulkKnots),
    mls: cellTables('mls', mlsPairs(batch, batch, a, b), cells, cellCount, tail, bulkKnots),
  };
}
