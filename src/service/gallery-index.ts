/**
 * The in-memory copy of every subject template, as contiguous N×D rows the scoring core
 * scans in one call (identification). It is loaded from the store at start and updated
 * only after the store's transaction has committed, so it never holds a template SQLite
 * does not (the process is single-threaded: no request sees a half-applied change).
 * Removal swaps the last row into the hole, so rows stay contiguous.
 * Rows are checked once when they enter (finite mu, positive σ²), so the scan runs the
 * scoring core's raw kernels without re-checking N×D values on every query; cosine uses
 * each row's inverse norm, cached at insertion.
 */
import { assertFinite, assertPositiveVariance } from '../core/embedding.js';
import { PfeError } from '../core/errors.js';
import { dotProductKernel } from '../core/kernels/dot-product.js';
import { squaredDistanceKernel } from '../core/kernels/squared-distance.js';
import { gaussianLogNormaliser, mlsScan } from '../core/mls.js';
import type { SubjectTemplate } from '../verify/template.js';

/** One candidate of a scan. */
export interface ScanHit {
  readonly subjectId: string;
  /** The score the hits are ranked by. */
  readonly score: number;
  /** Cosine of the means (always computed). */
  readonly cosine: number;
  /** MLS (paper form, nats), null without σ². */
  readonly mls: number | null;
}

/**
 * How templates carry σ²: not at all (no head), one value per dimension, or one value per
 * template ('isotropic', a head in scalar mode; every fusion rule keeps a constant σ² row
 * constant). Isotropic rows are scanned with the closed-form isotropic MLS (one squared
 * distance and one log per row instead of D divisions and logs).
 */
export type SigmaLayout = 'none' | 'diagonal' | 'isotropic';

/** Templates of all subjects, N×D, with σ² rows when the service has a head. */
export class GalleryIndex {
  readonly dim: number;
  readonly layout: SigmaLayout;
  private mu: Float32Array;
  /** N×D (diagonal), N (isotropic) or empty (none). */
  private sigmaSq: Float32Array;
  /** 1 / ||mu row|| (0 for a zero row), length N. */
  private inverseNorm: Float64Array;
  private ids: string[] = [];
  private readonly rowOf = new Map<string, number>();
  private cosineScratch = new Float64Array(0);
  private mlsScratch = new Float64Array(0);

  /** @param dim D @param layout how templates carry σ² */
  constructor(dim: number, layout: SigmaLayout, initialCapacity = 1024) {
    this.dim = dim;
    this.layout = layout;
    this.mu = new Float32Array(initialCapacity * dim);
    this.sigmaSq = new Float32Array(initialCapacity * this.sigmaPerRow());
    this.inverseNorm = new Float64Array(initialCapacity);
  }

  /** σ² values stored per row. */
  private sigmaPerRow(): number {
    return this.layout === 'diagonal' ? this.dim : this.layout === 'isotropic' ? 1 : 0;
  }

  /** Number of subjects with a template. */
  get size(): number {
    return this.ids.length;
  }

  /** The ids of the subjects in the index (a copy, in row order). */
  subjectIds(): string[] {
    return [...this.ids];
  }

  /** A copy of a subject's template, or undefined when it has none. */
  get(subjectId: string): SubjectTemplate | undefined {
    const row = this.rowOf.get(subjectId);
    if (row === undefined) return undefined;
    const d = this.dim;
    const mu = this.mu.slice(row * d, (row + 1) * d);
    if (this.layout === 'none') return { mu, sigmaSq: null };
    if (this.layout === 'isotropic') return { mu, sigmaSq: new Float32Array(d).fill(this.sigmaSq[row]!) };
    return { mu, sigmaSq: this.sigmaSq.slice(row * d, (row + 1) * d) };
  }

  /**
   * Inserts or replaces a subject's template (null removes it).
   * @throws PfeError DIMENSION_MISMATCH when the template does not fit the index,
   *   INVALID_ARGUMENT when an isotropic index gets a σ² row that is not constant
   */
  set(subjectId: string, template: SubjectTemplate | null): void {
    if (template === null) {
      this.remove(subjectId);
      return;
    }
    const withSigma = this.layout !== 'none';
    if (template.mu.length !== this.dim || (withSigma && template.sigmaSq?.length !== this.dim)) {
      throw new PfeError('DIMENSION_MISMATCH', `template of '${subjectId}' does not fit the index (D = ${this.dim}${withSigma ? ', with σ²' : ''})`);
    }
    assertFinite(template.mu, this.dim, `template of '${subjectId}'`);
    if (withSigma) assertPositiveVariance(template.sigmaSq!, this.dim, `σ² of the template of '${subjectId}'`);
    if (this.layout === 'isotropic' && !isConstant(template.sigmaSq!)) {
      throw new PfeError('INVALID_ARGUMENT', `template of '${subjectId}' has a σ² that varies over dimensions; the index is isotropic`);
    }
    let row = this.rowOf.get(subjectId);
    if (row === undefined) {
      row = this.ids.length;
      this.grow(row + 1);
      this.ids.push(subjectId);
      this.rowOf.set(subjectId, row);
    }
    this.mu.set(template.mu, row * this.dim);
    this.inverseNorm[row] = inverseNorm(template.mu);
    if (this.layout === 'diagonal') this.sigmaSq.set(template.sigmaSq!, row * this.dim);
    else if (this.layout === 'isotropic') this.sigmaSq[row] = template.sigmaSq![0]!;
  }

  /** Removes a subject's row (no-op when absent). */
  remove(subjectId: string): void {
    const row = this.rowOf.get(subjectId);
    if (row === undefined) return;
    const last = this.ids.length - 1;
    const d = this.dim;
    if (row !== last) {
      const moved = this.ids[last]!;
      this.mu.copyWithin(row * d, last * d, (last + 1) * d);
      const k = this.sigmaPerRow();
      this.sigmaSq.copyWithin(row * k, last * k, (last + 1) * k);
      this.inverseNorm[row] = this.inverseNorm[last]!;
      this.ids[row] = moved;
      this.rowOf.set(moved, row);
    }
    this.ids.pop();
    this.rowOf.delete(subjectId);
  }

  /**
   * The k best subjects for a probe, best first: ranked by MLS when both sides have σ²,
   * else by cosine. One scan of all rows through the scoring core.
   * @param probe D values of mu (and σ² when the index has σ²)
   */
  topK(probe: SubjectTemplate, k: number): ScanHit[] {
    const n = this.ids.length;
    if (n === 0 || k < 1) return [];
    const d = this.dim;
    if (this.cosineScratch.length < n) {
      this.cosineScratch = new Float64Array(this.mu.length / d);
      this.mlsScratch = new Float64Array(this.mu.length / d);
    }
    if (probe.mu.length !== d) throw new PfeError('DIMENSION_MISMATCH', `probe has ${probe.mu.length} values, the index D = ${d}`);
    assertFinite(probe.mu, d, 'probe');
    if (probe.sigmaSq !== null) assertPositiveVariance(probe.sigmaSq, d, 'probe σ²');
    const cos = this.cosineScratch.subarray(0, n);
    const probeInverseNorm = inverseNorm(probe.mu);
    const mu = this.mu;
    for (let i = 0; i < n; i++) {
      // Clamped like core cosine: float rounding can push |cos| of unit rows past 1.
      const c = dotProductKernel(probe.mu, 0, mu, i * d, d) * probeInverseNorm * this.inverseNorm[i]!;
      cos[i] = c > 1 ? 1 : c < -1 ? -1 : c;
    }
    let mls: Float64Array | null = null;
    if (this.layout !== 'none' && probe.sigmaSq !== null) {
      mls = this.mlsScratch.subarray(0, n);
      if (this.layout === 'isotropic' && isConstant(probe.sigmaSq)) {
        // Isotropic MLS (core/isotropic-mls.ts): −½[‖Δμ‖²/s + D log s] − (D/2) log 2π, s = s_probe + s_row.
        const sp = probe.sigmaSq[0]!;
        const constant = gaussianLogNormaliser(d);
        for (let i = 0; i < n; i++) {
          const s = sp + this.sigmaSq[i]!;
          mls[i] = -0.5 * (squaredDistanceKernel(probe.mu, 0, mu, i * d, d) / s + d * Math.log(s)) - constant;
        }
      } else {
        const k = this.sigmaPerRow();
        const rows = this.sigmaSq.subarray(0, n * k);
        mlsScan({ dim: d, mu: probe.mu, sigmaSq: probe.sigmaSq }, { count: n, dim: d, mu: mu.subarray(0, n * d), sigmaSq: this.layout === 'isotropic' ? expandRows(rows, d) : rows }, mls);
      }
    }
    const rank = mls ?? cos;
    // Partial selection of the k largest: O(N·k), k is small (≤ 100).
    const best: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = rank[i]!;
      if (best.length === k && s <= rank[best[k - 1]!]!) continue;
      let j = best.length < k ? best.length : k - 1;
      if (best.length < k) best.push(i);
      while (j > 0 && rank[best[j - 1]!]! < s) {
        best[j] = best[j - 1]!;
        j--;
      }
      best[j] = i;
    }
    return best.map((i) => ({ subjectId: this.ids[i]!, score: rank[i]!, cosine: cos[i]!, mls: mls === null ? null : mls[i]! }));
  }

  private grow(rows: number): void {
    const d = this.dim;
    if (rows * d <= this.mu.length) return;
    const capacity = Math.max(rows, 2 * (this.mu.length / d));
    const mu = new Float32Array(capacity * d);
    mu.set(this.mu);
    this.mu = mu;
    const s = new Float32Array(capacity * this.sigmaPerRow());
    s.set(this.sigmaSq);
    this.sigmaSq = s;
    const norms = new Float64Array(capacity);
    norms.set(this.inverseNorm);
    this.inverseNorm = norms;
  }
}

/** 1 / ||v|| in float64, 0 for a zero vector. */
function inverseNorm(v: Float32Array): number {
  const sq = dotProductKernel(v, 0, v, 0, v.length);
  return sq > 0 ? 1 / Math.sqrt(sq) : 0;
}

/** True when every value equals the first (a constant σ² row). */
function isConstant(values: Float32Array): boolean {
  const first = values[0];
  for (let l = 1; l < values.length; l++) if (values[l] !== first) return false;
  return true;
}

/** N per-row variances as N×D rows (the rare probe whose σ² is not constant against an isotropic gallery). */
function expandRows(perRow: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(perRow.length * dim);
  for (let i = 0; i < perRow.length; i++) out.fill(perRow[i]!, i * dim, (i + 1) * dim);
  return out;
}
