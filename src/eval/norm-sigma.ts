/**
 * A hand-made Gaussian source for investigation, not a model: one scalar σ² per image from
 * the norm n of its raw pooled conv features, σ²_i = s0 · (n_i / n_ref)^(−power), with mu
 * centred by a given mean. power 0 gives one σ² for all (MLS then ranks like centred
 * cosine); larger powers make low-norm (typically degraded) images more uncertain. Used to
 * ask how strongly σ² would have to grow with degradation for MLS to escape the dilemma.
 */
import type { GaussianBatch } from '../core/embedding.js';
import { PfeError } from '../core/errors.js';
import { centreMu } from '../head/feature-normalisation.js';
import { rawFeatureNorms, type ImageTable } from './image-table.js';
import type { GaussianSource } from './verification-methods.js';

/**
 * σ² of an image of median clean norm, per backbone: the mean harmonic σ² the out-of-fold
 * heads give clean LFW images (docs/RESULTS.md: faceres 4.83e-4, section "Uncertainty head";
 * dlib 2.05e-3, section "The dlib uncertainty head"), so the hand-made σ² has the heads' scale.
 */
const NORM_SIGMA_BASE_BY_BACKBONE: Readonly<Record<string, number>> = { faceres: 4.83e-4, dlib: 2.05e-3 };

/**
 * The base σ² of the ‖raw‖ baseline for a backbone.
 * @throws PfeError INVALID_ARGUMENT for a backbone no head has been measured on
 */
export function normSigmaBase(backbone: string): number {
  const base = NORM_SIGMA_BASE_BY_BACKBONE[backbone];
  if (base === undefined) throw new PfeError('INVALID_ARGUMENT', `no base σ² for the ‖raw‖ baseline on backbone '${backbone}' (measured: ${Object.keys(NORM_SIGMA_BASE_BY_BACKBONE).join(', ')})`);
  return base;
}

/** Settings of normSigmaSource. */
export interface NormSigmaOptions {
  /** σ² of an image whose norm equals `referenceNorm`. */
  readonly baseSigmaSq: number;
  readonly referenceNorm: number;
  readonly power: number;
}

/**
 * σ² from feature norms (failed images get baseSigmaSq; they are never scored).
 * @param meanFor centring mean per held-out fold (length D)
 * @throws PfeError INVALID_ARGUMENT for a non-positive base σ² or reference norm
 */
export function normSigmaSource(table: ImageTable, meanFor: (heldOut: number | undefined) => Float32Array, options: NormSigmaOptions): GaussianSource {
  if (!(options.baseSigmaSq > 0) || !(options.referenceNorm > 0) || !Number.isFinite(options.power)) {
    throw new PfeError('INVALID_ARGUMENT', `norm σ² needs baseSigmaSq > 0, referenceNorm > 0 and a finite power, got ${JSON.stringify(options)}`);
  }
  const norms = rawFeatureNorms(table);
  const sigmaSq = new Float32Array(table.count * table.dim);
  for (let i = 0; i < table.count; i++) {
    const n = norms[i]!;
    const s = Number.isFinite(n) && n > 0 ? options.baseSigmaSq * (n / options.referenceNorm) ** -options.power : options.baseSigmaSq;
    sigmaSq.fill(s, i * table.dim, (i + 1) * table.dim);
  }
  return (heldOut): GaussianBatch => ({ count: table.count, dim: table.dim, mu: centreMu(table.mu, table.dim, meanFor(heldOut)), sigmaSq });
}

/** Median of the finite values (the reference norm of a set of clean images). */
export function median(values: ArrayLike<number>): number {
  const v = Array.from(values).filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) throw new PfeError('EMPTY_INPUT', 'no finite values');
  const m = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
}
