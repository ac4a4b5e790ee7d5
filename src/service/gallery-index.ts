/**
 * The in-memory copy of every subject template, as contiguous N×D rows the scoring core
 * scans in one call (identification). It is loaded from the store at start and updated
 * only after the store's transaction has committed, so it never holds a template SQLite
 * does not (the process is single-threaded: no request sees a half-applied change).
 * Removal swaps the last row into the hole, so rows stay contiguous.
 */
import { cosineScan } from '../core/cosine.js';
import { PfeError } from '../core/errors.js';
import { mlsScan } from '../core/mls.js';
import type { SubjectTemplate } from './template.js';

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

/** Templates of all subjects, N×D, with σ² rows when the service has a head. */
export class GalleryIndex {
  readonly dim: number;
  readonly withSigma: boolean;
  private mu: Float32Array;
  private sigmaSq: Float32Array;
  private ids: string[] = [];
  private readonly rowOf = new Map<string, number>();
  private cosineScratch = new Float64Array(0);
  private mlsScratch = new Float64Array(0);

  /** @param dim D @param withSigma whether templates carry σ² (a head is bound) */
  constructor(dim: number, withSigma: boolean, initialCapacity = 1024) {
    this.dim = dim;
    this.withSigma = withSigma;
    this.mu = new Float32Array(initialCapacity * dim);
    this.sigmaSq = new Float32Array(withSigma ? initialCapacity * dim : 0);
  }

  /** Number of subjects with a template. */
  get size(): number {
    return this.ids.length;
  }

  /** True when the subject has a row. */
  has(subjectId: string): boolean {
    return this.rowOf.has(subjectId);
  }

  /** A copy of a subject's template, or undefined when it has none. */
  get(subjectId: string): SubjectTemplate | undefined {
    const row = this.rowOf.get(subjectId);
    if (row === undefined) return undefined;
    const d = this.dim;
    return { mu: this.mu.slice(row * d, (row + 1) * d), sigmaSq: this.withSigma ? this.sigmaSq.slice(row * d, (row + 1) * d) : null };
  }

  /**
   * Inserts or replaces a subject's template (null removes it).
   * @throws PfeError DIMENSION_MISMATCH when the template does not fit the index
   */
  set(subjectId: string, template: SubjectTemplate | null): void {
    if (template === null) {
      this.remove(subjectId);
      return;
    }
    if (template.mu.length !== this.dim || (this.withSigma && template.sigmaSq?.length !== this.dim)) {
      throw new PfeError('DIMENSION_MISMATCH', `template of '${subjectId}' does not fit the index (D = ${this.dim}${this.withSigma ? ', with σ²' : ''})`);
    }
    let row = this.rowOf.get(subjectId);
    if (row === undefined) {
      row = this.ids.length;
      this.grow(row + 1);
      this.ids.push(subjectId);
      this.rowOf.set(subjectId, row);
    }
    this.mu.set(template.mu, row * this.dim);
    if (this.withSigma) this.sigmaSq.set(template.sigmaSq!, row * this.dim);
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
      if (this.withSigma) this.sigmaSq.copyWithin(row * d, last * d, (last + 1) * d);
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
    const cos = this.cosineScratch.subarray(0, n);
    cosineScan({ dim: d, mu: probe.mu }, { count: n, dim: d, mu: this.mu.subarray(0, n * d) }, cos);
    let mls: Float64Array | null = null;
    if (this.withSigma && probe.sigmaSq !== null) {
      mls = this.mlsScratch.subarray(0, n);
      mlsScan({ dim: d, mu: probe.mu, sigmaSq: probe.sigmaSq }, { count: n, dim: d, mu: this.mu.subarray(0, n * d), sigmaSq: this.sigmaSq.subarray(0, n * d) }, mls);
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
    if (this.withSigma) {
      const s = new Float32Array(capacity * d);
      s.set(this.sigmaSq);
      this.sigmaSq = s;
    }
  }
}
