/**
 * The content of a calibration file (`models/calibration-*.json`) and its checked parse,
 * without file access, so the browser build can read a fetched calibration too.
 */
import { PfeError } from '../core/errors.js';
import type { HeadIdentity } from '../head/head-binding.js';
import { type CalibratedMetric, checkImpostorTable, type ImpostorTable, ScoreCalibration } from './calibration.js';
import { loadUncertaintyBands, type UncertaintyBands, type UncertaintyBandTables } from './uncertainty-bands.js';

export type { HeadIdentity } from '../head/head-binding.js';

/** Format tag of calibration files. */
export const CALIBRATION_FORMAT = 'pfe-calibration';
/** Current version of the format. */
export const CALIBRATION_VERSION = 1;


/** The JSON content of a calibration file. */
export interface CalibrationFileContent {
  readonly format: typeof CALIBRATION_FORMAT;
  readonly version: typeof CALIBRATION_VERSION;
  readonly backbone: string;
  /** The uncertainty head that produced the embeddings (null: none, cosine on raw mu only). */
  readonly head: HeadIdentity | null;
  /** How the tables were made (data, pair count, seed, command). */
  readonly source: Readonly<Record<string, unknown>>;
  readonly tables: { readonly cosine: ImpostorTable; readonly mls?: ImpostorTable };
  /**
   * Uncertainty (harmonic mean of σ²) of the clean calibration images at some quantiles,
   * e.g. { "0.5": …, "0.99": … }; absent without a head.
   */
  readonly uncertaintyQuantiles?: Readonly<Record<string, number>>;
  /**
   * Quality-aware tables: impostor tables per band of pair uncertainty, built from clean and
   * degraded calibration images (uncertainty-bands.ts); absent without a head. Decisions on a
   * pair whose two uncertainties are known use its band's table instead of `tables`.
   */
  readonly bands?: UncertaintyBandTables;
}

/** A loaded calibration: one ScoreCalibration per metric, and per uncertainty band when the file has bands. */
export interface LoadedCalibration {
  readonly content: CalibrationFileContent;
  readonly cosine: ScoreCalibration;
  readonly mls: ScoreCalibration | undefined;
  readonly bands: UncertaintyBands | undefined;
}

/** File name of the calibration that belongs to a head file name: calibration-<head name>.json. */
export function calibrationFileNameForHead(headFileName: string): string {
  return `calibration-${headFileName.replace(/\.pfehead$/, '')}.json`;
}

/** Parses and checks calibration JSON. @throws PfeError INVALID_FORMAT / UNSUPPORTED_FORMAT */
export function parseCalibration(json: unknown, label: string): LoadedCalibration {
  const bad = (why: string): never => {
    throw new PfeError('INVALID_FORMAT', `${label}: ${why}`, { path: label });
  };
  if (typeof json !== 'object' || json === null) return bad('not a JSON object');
  const c = json as Partial<CalibrationFileContent>;
  if (c.format !== CALIBRATION_FORMAT) bad(`format must be '${CALIBRATION_FORMAT}'`);
  if (c.version !== CALIBRATION_VERSION) throw new PfeError('UNSUPPORTED_FORMAT', `${label}: version ${String(c.version)} is not supported (expected ${CALIBRATION_VERSION})`);
  if (typeof c.backbone !== 'string') bad('backbone must be a string');
  if (c.head !== null && (typeof c.head !== 'object' || typeof c.head.file !== 'string' || typeof c.head.sha256 !== 'string')) bad('head must be null or {file, sha256}');
  if (typeof c.tables !== 'object' || c.tables === null || typeof c.tables.cosine !== 'object') bad('tables.cosine is missing');
  const tables = c.tables!;
  const check = (t: ImpostorTable, metric: CalibratedMetric): ScoreCalibration => {
    if (t.metric !== metric) bad(`tables.${metric} has metric '${String(t.metric)}'`);
    try {
      checkImpostorTable(t);
    } catch (e) {
      bad(e instanceof Error ? e.message : String(e));
    }
    return new ScoreCalibration(t);
  };
  const cosine = check(tables.cosine, 'cosine');
  const mls = tables.mls === undefined ? undefined : check(tables.mls, 'mls');
  if (mls !== undefined && c.head === null) bad('an MLS table needs the head it was computed with');
  if (c.uncertaintyQuantiles !== undefined) {
    for (const [q, v] of Object.entries(c.uncertaintyQuantiles)) {
      if (!(Number(q) >= 0 && Number(q) <= 1) || typeof v !== 'number' || !(v > 0)) bad(`uncertaintyQuantiles['${q}'] is invalid`);
    }
  }
  let bands: UncertaintyBands | undefined;
  if (c.bands !== undefined) {
    if (c.head === null) bad('uncertainty bands need the head whose σ² defines them');
    try {
      bands = loadUncertaintyBands(c.bands, mls !== undefined);
    } catch (e) {
      bad(e instanceof Error ? e.message : String(e));
    }
  }
  return { content: c as CalibrationFileContent, cosine, mls, bands };
}

/** File name of the cosine-only calibration used without an uncertainty head, per backbone. */
export function noHeadCalibrationFileName(backbone: string): string {
  return `calibration-${backbone}.json`;
}
