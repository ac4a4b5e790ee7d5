/**
 * The in-memory copy of every subject template, as a MutableGallery (src/core): rows in
 * shared WebAssembly memory that the wasm kernels scan in place. It is loaded from the store
 * at start and updated only after the store's transaction has committed, so it never holds a
 * template SQLite does not. Rows are checked once when they enter (finite μ, positive σ²).
 *
 * `search` (the service's identify) scans on worker threads (scan-pool.ts), never on the
 * event loop. While a search runs, changes wait in a queue and are applied, in order, when
 * the last running search ends; a search that starts while changes wait first waits for them.
 * So every search sees one consistent gallery that includes every change made before it,
 * and `get`/`size` always answer the latest state.
 */
import { PfeError } from '../core/errors.js';
import { shardScoreOf, type ShardScoreName } from '../core/gallery-shard.js';
import { dotProductKernel } from '../core/index.js';
import { checkScanProbe, MutableGallery, type RowSigma } from '../core/mutable-gallery.js';
import type { ScoredRow } from '../core/top-k.js';
import { sharedScanPool, type ScanPool } from './scan-pool.js';
import type { SubjectTemplate } from '../verify/template.js';
import type { HeadBinding } from '../head/head-binding.js';

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
 * constant). Isotropic rows are scanned with the closed-form isotropic MLS at dot-product
 * cost (one dot product and one log per row).
 */
export type SigmaLayout = 'none' | 'diagonal' | 'isotropic';

/** The σ² layout of a service's templates: none without a head, isotropic for a head in scalar mode. */
export function sigmaLayoutOf(head: HeadBinding | undefined): SigmaLayout {
  if (head === undefined) return 'none';
  return head.head.architecture.sigmaMode === 'scalar' ? 'isotropic' : 'diagonal';
}

/** Templates of all subjects, N×D, with σ² rows when the service has a head. */
export class GalleryIndex {
  readonly dim: number;
  readonly layout: SigmaLayout;
  private readonly gallery: MutableGallery;
  private readonly ids: string[] = [];
  private readonly rowOf = new Map<string, number>();
  private readonly pool: () => ScanPool;
  private runningSearches = 0;
  /** Changes made while searches run, applied when the last ends (latest value per subject). */
  private readonly queued = new Map<string, SubjectTemplate | null>();
  private readonly waitingSearches: (() => void)[] = [];

  /**
   * @param dim D @param layout how templates carry σ² (rows grow in shards, no capacity to give)
   * @param pool the scan workers (default: the process-wide pool)
   */
  constructor(dim: number, layout: SigmaLayout, pool: () => ScanPool = sharedScanPool) {
    this.dim = dim;
    this.layout = layout;
    this.gallery = new MutableGallery(dim, layout, { shared: true });
    this.pool = pool;
  }

  /** Number of subjects with a template (queued changes included). */
  get size(): number {
    let size = this.ids.length;
    for (const [id, t] of this.queued) size += (t !== null ? 1 : 0) - (this.rowOf.has(id) ? 1 : 0);
    return size;
  }

  /** The ids of the subjects in the index (a copy). */
  subjectIds(): string[] {
    if (this.queued.size === 0) return [...this.ids];
    const ids = new Set(this.ids);
    for (const [id, t] of this.queued) if (t === null) ids.delete(id);
    else ids.add(id);
    return [...ids];
  }

  /** A copy of a subject's template, or undefined when it has none. */
  get(subjectId: string): SubjectTemplate | undefined {
    if (this.queued.has(subjectId)) {
      const t = this.queued.get(subjectId)!;
      return t === null ? undefined : { mu: t.mu.slice(), sigmaSq: t.sigmaSq === null ? null : t.sigmaSq.slice() };
    }
    const row = this.rowOf.get(subjectId);
    if (row === undefined) return undefined;
    const { mu, sigmaSq } = this.gallery.row(row);
    if (sigmaSq === null || sigmaSq instanceof Float32Array) return { mu, sigmaSq };
    return { mu, sigmaSq: new Float32Array(this.dim).fill(sigmaSq) };
  }

  /**
   * Inserts or replaces a subject's template (null removes it). Checked at once; applied at
   * once, or after the running searches end.
   * @throws PfeError DIMENSION_MISMATCH when the template does not fit the index,
   *   INVALID_ARGUMENT when an isotropic index gets a σ² row that is not constant
   */
  set(subjectId: string, template: SubjectTemplate | null): void {
    if (template !== null) this.rowSigma(subjectId, template);
    if (this.runningSearches > 0) {
      // a copy: the caller may reuse its arrays before the change is applied
      this.queued.set(subjectId, template === null ? null : { mu: template.mu.slice(), sigmaSq: template.sigmaSq === null ? null : template.sigmaSq.slice() });
      return;
    }
    this.apply(subjectId, template);
  }

  /** Removes a subject's row (no-op when absent). */
  remove(subjectId: string): void {
    this.set(subjectId, null);
  }

  /**
   * The k best subjects for a probe, best first, scanned on this thread: ranked by MLS when
   * both sides have σ², else by cosine. For tools and tests; the service uses `search`.
   * @param probe D values of mu (and σ² when the index has σ²)
   */
  topK(probe: SubjectTemplate, k: number): ScanHit[] {
    this.applyQueued();
    const { checked, score } = this.scanOf(probe);
    if (this.ids.length === 0 || k < 1) return [];
    return this.hits(probe, this.gallery.topK(checked, shardScoreOf(score), k), score);
  }

  /** As topK, on the scan worker threads: the event loop only merges k candidates per worker. */
  async search(probe: SubjectTemplate, k: number): Promise<ScanHit[]> {
    const { checked, score } = this.scanOf(probe);
    while (this.queued.size > 0 && this.runningSearches > 0) await new Promise<void>((resolve) => this.waitingSearches.push(resolve));
    this.applyQueued();
    if (this.ids.length === 0 || k < 1) return [];
    this.runningSearches++;
    try {
      const rows = await this.pool().topK(this.gallery, checked, score, k);
      return this.hits(probe, rows, score);
    } finally {
      if (--this.runningSearches === 0) {
        this.applyQueued();
        for (const wake of this.waitingSearches.splice(0)) wake();
      }
    }
  }

  /** The checked probe and the score it is ranked by. */
  private scanOf(probe: SubjectTemplate): { checked: ReturnType<typeof checkScanProbe>; score: ShardScoreName } {
    if (probe.mu.length !== this.dim) throw new PfeError('DIMENSION_MISMATCH', `probe has ${probe.mu.length} values, the index D = ${this.dim}`);
    const withSigma = this.layout !== 'none' && probe.sigmaSq !== null;
    const checked = checkScanProbe(probe.mu, withSigma ? probe.sigmaSq : null, this.dim, 'probe');
    return { checked, score: !withSigma ? 'cosine' : this.layout === 'isotropic' ? 'isotropic' : 'mls' };
  }

  /** Hits of the selected rows, with the other score computed for these k rows only. */
  private hits(probe: SubjectTemplate, rows: readonly ScoredRow[], score: ShardScoreName): ScanHit[] {
    return rows.map(({ row, score: value }) => {
      const subjectId = this.ids[row]!;
      if (score === 'cosine') return { subjectId, score: value, cosine: value, mls: null };
      return { subjectId, score: value, cosine: cosineOf(probe.mu, this.get(subjectId)!.mu), mls: value };
    });
  }

  private applyQueued(): void {
    if (this.runningSearches > 0) return;
    for (const [id, t] of this.queued) this.apply(id, t);
    this.queued.clear();
  }

  private apply(subjectId: string, template: SubjectTemplate | null): void {
    const row = this.rowOf.get(subjectId);
    if (template === null) {
      if (row === undefined) return;
      const moved = this.gallery.remove(row);
      if (moved >= 0) {
        const movedId = this.ids[moved]!;
        this.ids[row] = movedId;
        this.rowOf.set(movedId, row);
      }
      this.ids.pop();
      this.rowOf.delete(subjectId);
      return;
    }
    const sigma = this.rowSigma(subjectId, template);
    if (row !== undefined) this.gallery.replace(row, template.mu, sigma, `template of '${subjectId}'`);
    else {
      this.rowOf.set(subjectId, this.gallery.append(template.mu, sigma, `template of '${subjectId}'`));
      this.ids.push(subjectId);
    }
  }

  /** A template's σ² in the index's layout, after checking its shape. */
  private rowSigma(subjectId: string, template: SubjectTemplate): RowSigma {
    const withSigma = this.layout !== 'none';
    if (template.mu.length !== this.dim || (withSigma && template.sigmaSq?.length !== this.dim)) {
      throw new PfeError('DIMENSION_MISMATCH', `template of '${subjectId}' does not fit the index (D = ${this.dim}${withSigma ? ', with σ²' : ''})`);
    }
    if (this.layout === 'none') return null;
    if (this.layout === 'diagonal') return template.sigmaSq!;
    if (!isConstant(template.sigmaSq!)) {
      throw new PfeError('INVALID_ARGUMENT', `template of '${subjectId}' has a σ² that varies over dimensions; the index is isotropic`);
    }
    return template.sigmaSq![0]!;
  }
}

/** Cosine of two mean vectors in float64, clamped to [−1, 1]; 0 when one is all zero. */
function cosineOf(x: Float32Array, y: Float32Array): number {
  const xx = dotProductKernel(x, 0, x, 0, x.length);
  const yy = dotProductKernel(y, 0, y, 0, y.length);
  if (xx === 0 || yy === 0) return 0;
  const c = dotProductKernel(x, 0, y, 0, x.length) / Math.sqrt(xx * yy);
  return c > 1 ? 1 : c < -1 ? -1 : c;
}

/** True when every value equals the first (a constant σ² row). */
function isConstant(values: Float32Array): boolean {
  const first = values[0];
  for (let l = 1; l < values.length; l++) if (values[l] !== first) return false;
  return true;
}
