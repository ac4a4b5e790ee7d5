/**
 * Batches of P identities × K samples for MLS training, seeded.
 *
 * 'mixed' (default; it beat 'pooled' on LFW View 1, docs/RESULTS.md "Choosing the defaults"): per identity K−m distinct clean
 * images plus m degraded copies (m = degradedPerIdentity, default 1), each a random
 * degradation of a random image of that identity. Eligible identities have ≥ K−m images
 * (and ≥ 2 samples in all). With m = 0 this is the reference sampler on clean images.
 * 'pooled' (the literal recipe): every clean image and every degraded copy is a sample of
 * its own; K distinct samples from the identity's pool. Eligible: pool size ≥ K.
 */
import { PfeError } from '../core/errors.js';
import type { SeededRandom } from '../core/random.js';

/** Batch composition. */
export type SamplerMode = 'mixed' | 'pooled';

/** Which rows (of a stacked feature matrix) belong to which image and identity. */
export interface SamplerData {
  /** Per identity: its image ids. */
  readonly imagesOfIdentity: readonly Int32Array[];
  /** Per image id: the row of its clean copy. */
  readonly cleanRow: Int32Array;
  /** Per image id: rows of its degraded copies (possibly none). */
  readonly degradedRows: readonly Int32Array[];
}

/** Sampler settings. */
export interface SamplerOptions {
  readonly identitiesPerBatch: number;
  readonly samplesPerIdentity: number;
  readonly degradedPerIdentity: number;
  readonly mode: SamplerMode;
}

/** One batch: rows into the feature matrix and an identity label per row (B = P·K). */
export interface SampledBatch {
  readonly rows: Int32Array;
  readonly labels: Int32Array;
}

/** Draws `count` distinct values of 0..n−1 (partial Fisher–Yates on a scratch array). */
function distinct(n: number, count: number, rng: SeededRandom): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(rng.nextFloat() * (n - i));
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return idx.slice(0, count);
}

/** A reusable sampler over fixed data: eligibility is computed once. */
export class IdentityBatchSampler {
  /** Identities that can fill K samples under the options. */
  readonly eligible: Int32Array;
  private readonly data: SamplerData;
  private readonly options: SamplerOptions;
  private readonly degradedAvailable: boolean;

  /**
   * @throws PfeError INVALID_ARGUMENT for bad options or fewer than P eligible identities
   */
  constructor(data: SamplerData, options: SamplerOptions) {
    const { identitiesPerBatch: p, samplesPerIdentity: k, degradedPerIdentity: m } = options;
    if (!Number.isInteger(p) || p < 1) throw new PfeError('INVALID_ARGUMENT', `identities per batch must be a positive integer, got ${p}`);
    if (!Number.isInteger(k) || k < 2) throw new PfeError('INVALID_ARGUMENT', `samples per identity must be an integer ≥ 2 (a genuine pair), got ${k}`);
    if (!Number.isInteger(m) || m < 0 || m >= k) throw new PfeError('INVALID_ARGUMENT', `degraded samples per identity must be in 0..${k - 1}, got ${m}`);
    this.data = data;
    this.options = options;
    this.degradedAvailable = data.degradedRows.some((r) => r.length > 0);
    const mEff = this.degradedAvailable ? m : 0;
    const eligible: number[] = [];
    data.imagesOfIdentity.forEach((images, id) => {
      if (options.mode === 'pooled') {
        let pool = images.length;
        for (const img of images) pool += data.degradedRows[img]!.length;
        if (pool >= k) eligible.push(id);
      } else {
        const degradable = mEff === 0 || images.some((img) => data.degradedRows[img]!.length > 0);
        if (images.length >= k - mEff && degradable) eligible.push(id);
      }
    });
    this.eligible = Int32Array.from(eligible);
    if (this.eligible.length < p) {
      throw new PfeError('INVALID_ARGUMENT', `only ${this.eligible.length} identities can fill ${k} samples (${options.mode}, ${mEff} degraded); a batch needs ${p}`, {
        eligible: this.eligible.length,
        identitiesPerBatch: p,
      });
    }
  }

  /** Batch size B = P·K. */
  get batchSize(): number {
    return this.options.identitiesPerBatch * this.options.samplesPerIdentity;
  }

  /** Draws one batch with `rng`. */
  sample(rng: SeededRandom): SampledBatch {
    const { identitiesPerBatch: p, samplesPerIdentity: k, mode } = this.options;
    const m = this.degradedAvailable ? this.options.degradedPerIdentity : 0;
    const rows = new Int32Array(p * k);
    const labels = new Int32Array(p * k);
    let at = 0;
    for (const pick of distinct(this.eligible.length, p, rng)) {
      const id = this.eligible[pick]!;
      const images = this.data.imagesOfIdentity[id]!;
      if (mode === 'pooled') {
        const pool: number[] = [];
        for (const img of images) pool.push(this.data.cleanRow[img]!, ...this.data.degradedRows[img]!);
        for (const q of distinct(pool.length, k, rng)) (rows[at] = pool[q]!), (labels[at++] = id);
        continue;
      }
      for (const q of distinct(images.length, k - m, rng)) (rows[at] = this.data.cleanRow[images[q]!]!), (labels[at++] = id);
      const withCopies = images.filter((img) => this.data.degradedRows[img]!.length > 0);
      for (let d = 0; d < m; d++) {
        const img = withCopies[Math.floor(rng.nextFloat() * withCopies.length)]!;
        const copies = this.data.degradedRows[img]!;
        rows[at] = copies[Math.floor(rng.nextFloat() * copies.length)]!;
        labels[at++] = id;
      }
    }
    return { rows, labels };
  }
}
