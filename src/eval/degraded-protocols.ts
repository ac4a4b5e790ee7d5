/**
 * Protocols that mix clean and degraded copies of the same images. The copies live in one
 * stacked table: version v of image i is row v·K + i (K images per version, version 0 =
 * clean by convention), so every scorer and head works on them unchanged.
 */
import { PfeError } from '../core/errors.js';
import { deriveSeed, SeededRandom } from '../core/random.js';
import type { ImageTable } from './image-table.js';
import type { IndexedPairs } from './pair-verification.js';

/**
 * Stacks tables of the same K images (e.g. clean, level 2, level 4) into one of V·K rows;
 * paths get a `#v<version>` suffix so rows stay distinguishable.
 * @throws PfeError DIMENSION_MISMATCH when the tables differ in images or sizes
 */
export function stackTables(tables: readonly ImageTable[]): ImageTable {
  const first = tables[0];
  if (first === undefined) throw new PfeError('EMPTY_INPUT', 'no tables to stack');
  const k = first.count;
  // A version in which every image failed has dim 0; take the sizes from one that has rows.
  const dim = Math.max(...tables.map((t) => t.dim));
  const channels = Math.max(...tables.map((t) => t.channels));
  const withGrid = tables.every((t) => t.pooledGrid2x2 !== undefined);
  tables.forEach((t, v) => {
    if (t.count !== k) throw new PfeError('DIMENSION_MISMATCH', `table ${v} has ${t.count} images, table 0 has ${k}`);
    if (t.dim !== 0 && (t.dim !== dim || t.channels !== channels)) throw new PfeError('DIMENSION_MISMATCH', `table ${v} has D=${t.dim}, C=${t.channels}; expected ${dim}, ${channels}`);
  });
  const v = tables.length;
  const mu = new Float32Array(v * k * dim);
  const pooledGlobal = new Float32Array(v * k * channels);
  const grid = withGrid ? new Float32Array(v * k * 4 * channels) : undefined;
  const failed = new Uint8Array(v * k);
  const detectorScore = new Float64Array(v * k);
  const failures: ImageTable['failures'] = [];
  const paths: string[] = [];
  let fromFolders = 0;
  let embedded = 0;
  tables.forEach((t, s) => {
    if (t.dim !== 0) {
      mu.set(t.mu, s * k * dim);
      pooledGlobal.set(t.pooledGlobal, s * k * channels);
      if (grid !== undefined) grid.set(t.pooledGrid2x2!, s * k * 4 * channels);
    }
    failed.set(t.failed, s * k);
    detectorScore.set(t.detectorScore, s * k);
    failures.push(...t.failures.map((f) => ({ ...f, path: `${f.path}#v${s}` })));
    paths.push(...t.paths.map((p) => `${p}#v${s}`));
    fromFolders += t.provenance.fromFolders;
    embedded += t.provenance.embedded;
  });
  return {
    paths,
    count: v * k,
    dim,
    mu,
    channels,
    pooledGlobal,
    ...(grid === undefined ? {} : { pooledGrid2x2: grid }),
    failed,
    failures,
    detectorScore,
    provenance: { fromFolders, embedded },
  };
}

/**
 * The blurry-image dilemma pairs at one degradation version (after the PFE paper, Fig. 1):
 * a genuine pair compares the clean first image (version 0) with the degraded second image;
 * an impostor pair compares two degraded images. Folds are kept.
 * @param base pairs over K images; version index into a stack of `K`-image tables
 */
export function dilemmaPairs(base: IndexedPairs, version: number): IndexedPairs {
  const k = base.imageCount;
  const a = new Int32Array(base.a.length);
  const b = new Int32Array(base.b.length);
  for (let p = 0; p < a.length; p++) {
    a[p] = (base.labels[p] === 1 ? 0 : version * k) + base.a[p]!;
    b[p] = version * k + base.b[p]!;
  }
  return { imageCount: k * (version + 1), a, b, labels: base.labels, ...(base.folds === undefined ? {} : { folds: base.folds }) };
}

/**
 * Seeded version of each image for a mixed protocol: version v with probability weights[v]
 * (e.g. [0.5, 0.25, 0.25] for half clean, a quarter each at two levels). Deterministic in
 * (seed, K, weights).
 */
export function assignVersions(imageCount: number, weights: readonly number[], seed: number): Int32Array {
  const total = weights.reduce((s, w) => s + w, 0);
  if (!(total > 0) || weights.some((w) => !(w >= 0))) throw new PfeError('INVALID_ARGUMENT', `version weights must be ≥ 0 and not all 0, got ${weights.join(', ')}`);
  const rng = new SeededRandom(deriveSeed(seed, 0x6d697865)); // stream id: 'mixe' in ASCII
  const out = new Int32Array(imageCount);
  for (let i = 0; i < imageCount; i++) {
    let u = rng.nextFloat() * total;
    let v = 0;
    while (v < weights.length - 1 && u >= weights[v]!) u -= weights[v++]!;
    out[i] = v;
  }
  return out;
}

/** Pairs where every image is taken at its own version (`versionOf`, K entries) in a stack of K-image tables. */
export function mixedPairs(base: IndexedPairs, versionOf: Int32Array, versions: number): IndexedPairs {
  const k = base.imageCount;
  if (versionOf.length !== k) throw new PfeError('DIMENSION_MISMATCH', `${versionOf.length} versions for ${k} images`);
  return {
    imageCount: k * versions,
    a: Int32Array.from(base.a, (i) => versionOf[i]! * k + i),
    b: Int32Array.from(base.b, (i) => versionOf[i]! * k + i),
    labels: base.labels,
    ...(base.folds === undefined ? {} : { folds: base.folds }),
  };
}

/** Mean and population standard deviation of the genuine and the impostor scores, skipping pairs flagged in `skip`. */
export interface ScoreDistribution {
  readonly genuine: { readonly mean: number; readonly std: number; readonly count: number };
  readonly impostor: { readonly mean: number; readonly std: number; readonly count: number };
}

/** Score distribution per class (pairs with skip[p] = 1, e.g. a failed image, are left out). */
export function scoreDistribution(scores: Float64Array, labels: Uint8Array, skip?: Uint8Array): ScoreDistribution {
  const acc = [
    { s: 0, s2: 0, n: 0 },
    { s: 0, s2: 0, n: 0 },
  ];
  for (let p = 0; p < scores.length; p++) {
    if (skip !== undefined && skip[p] === 1) continue;
    const c = acc[labels[p] === 1 ? 1 : 0]!;
    c.s += scores[p]!;
    c.s2 += scores[p]! ** 2;
    c.n++;
  }
  const stats = (c: { s: number; s2: number; n: number }): { mean: number; std: number; count: number } => {
    const mean = c.n > 0 ? c.s / c.n : NaN;
    return { mean, std: c.n > 0 ? Math.sqrt(Math.max(0, c.s2 / c.n - mean * mean)) : NaN, count: c.n };
  };
  return { genuine: stats(acc[1]!), impostor: stats(acc[0]!) };
}

/** P flags: 1 when a pair uses a failed image. */
export function failedPairFlags(pairs: IndexedPairs, failed: Uint8Array): Uint8Array {
  return Uint8Array.from(pairs.a, (a, p) => (failed[a] === 1 || failed[pairs.b[p]!] === 1 ? 1 : 0));
}
