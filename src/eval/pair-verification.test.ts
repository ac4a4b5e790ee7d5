import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { countFailedPairs, evaluateMethod, imagesUsedByFold, indexPairs, sampleRocOnLogGrid, withFailedPairsRejected, type IndexedPairs } from './pair-verification.js';
import { centredCosineScorer, cosineScorer, foldExcludedMean, gaussianScorer, cachedGaussianSource } from './verification-methods.js';
import { rocCurve } from '../metrics/roc.js';
import { gaussianBatchFromRows } from '../core/embedding.js';

describe('indexPairs', () => {
  it('gives each path one row, in order of first use, and keeps folds', () => {
    const { paths, pairs } = indexPairs(
      [
        { pathA: 'x', pathB: 'y', genuine: true, fold: 1 },
        { pathA: 'y', pathB: 'z', genuine: false, fold: 0 },
      ],
      2,
    );
    assert.deepEqual(paths, ['x', 'y', 'z']);
    assert.deepEqual(Array.from(pairs.a), [0, 1]);
    assert.deepEqual(Array.from(pairs.b), [1, 2]);
    assert.deepEqual(Array.from(pairs.labels), [1, 0]);
    assert.deepEqual(Array.from(pairs.folds!.index), [1, 0]);
    // y is used by both folds, x only by fold 1, z only by fold 0.
    assert.deepEqual(Array.from(imagesUsedByFold(pairs)), [0, 1, 1, 1, 1, 0]);
  });
});

describe('withFailedPairsRejected', () => {
  const pairs: IndexedPairs = { imageCount: 4, a: new Int32Array([0, 0, 1, 2]), b: new Int32Array([1, 2, 3, 3]), labels: new Uint8Array([1, 1, 0, 0]) };
  const failed = new Uint8Array([0, 0, 1, 0]);
  it('scores valid pairs only and puts failed pairs below every valid score', () => {
    const seen: number[][] = [];
    const scorer = withFailedPairsRejected(pairs, failed, (a, b) => {
      seen.push([...a], [...b]);
      return new Float64Array([0.5, -0.3]);
    });
    const s = scorer(undefined);
    assert.deepEqual(seen, [
      [0, 1],
      [1, 3],
    ]);
    assert.deepEqual(Array.from(s), [0.5, -1.3, -0.3, -1.3]);
    assert.deepEqual(countFailedPairs(pairs, failed), { genuine: 1, impostor: 1 });
  });
  it('a failed genuine pair costs TAR at every FAR; a failed impostor pair is a correct reject', () => {
    // 4 genuine pairs score 0.9 except the failed one; impostors score 0.1.
    const p: IndexedPairs = {
      imageCount: 8,
      a: new Int32Array([0, 1, 2, 3, 4, 5, 6, 7]),
      b: new Int32Array([1, 2, 3, 4, 5, 6, 7, 0]),
      labels: new Uint8Array([1, 1, 1, 1, 0, 0, 0, 0]),
    };
    const f = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0]);
    f[3] = 1; // breaks pairs 2 (2-3, genuine) and 3 (3-4, genuine)
    const r = evaluateMethod(p, 'toy', '', withFailedPairsRejected(p, f, (a) => Float64Array.from(a, (_, k) => (k < 2 ? 0.9 : 0.1))), [0, 0.5]);
    assert.equal(r.tarAtFar[0]!.tar, 0.5);
    assert.equal(r.tarAtFar[1]!.tar, 0.5);
    assert.equal(r.accuracy, undefined);
  });
});

describe('evaluateMethod with folds', () => {
  it('k-fold accuracy and the per-fold scorer', () => {
    // Two folds of 4 pairs; scores separate perfectly only with the model of the held-out fold.
    const p: IndexedPairs = {
      imageCount: 16,
      a: Int32Array.from({ length: 8 }, (_, k) => 2 * k),
      b: Int32Array.from({ length: 8 }, (_, k) => 2 * k + 1),
      labels: new Uint8Array([1, 1, 0, 0, 1, 1, 0, 0]),
      folds: { index: new Int32Array([0, 0, 0, 0, 1, 1, 1, 1]), count: 2 },
    };
    const good = [0.9, 0.8, 0.2, 0.1, 0.95, 0.85, 0.3, 0.15];
    // Any fold model other than the right one scores the pairs of fold f as noise (all equal).
    const scorer = (held: number | undefined): Float64Array => Float64Array.from(good, (s, k) => (p.folds!.index[k] === held ? s : 0.5));
    const r = evaluateMethod(p, 'toy', 'per-fold', scorer, [0]);
    // Threshold chosen on the other fold's constant scores (0.5) still separates the held-out fold.
    assert.deepEqual(r.accuracy!.perFold, [1, 1]);
    assert.deepEqual(Array.from(r.scores), good);
    assert.equal(r.tarAtFar[0]!.tar, 1);
    assert.equal(r.auc, 1);
  });
});

describe('sampleRocOnLogGrid', () => {
  it('takes the best TAR at FAR ≤ each grid point', () => {
    // 10 impostors 0..0.9, genuine 0.95, 0.55, 0.05: FAR 0 → TAR 1/3, FAR 0.4 → 2/3, FAR 1 → 1.
    const scores = new Float64Array([0.95, 0.55, 0.05, ...Array.from({ length: 10 }, (_, i) => i / 10)]);
    const labels = new Uint8Array([1, 1, 1, ...new Array<number>(10).fill(0)]);
    const s = sampleRocOnLogGrid(rocCurve(scores, labels), 10, 10);
    assert.ok(Math.abs(s.far[0]! - 0.1) < 1e-12);
    assert.equal(s.far.length, 11);
    assert.equal(s.tar[0], 1 / 3);
    const at = (f: number): number => s.tar[s.far.findIndex((x) => Math.abs(x - f) < 1e-9)]!;
    assert.equal(at(0.1), 1 / 3);
    assert.equal(at(10 ** -0.4), 1 / 3); // 0.398 < 0.4: the 0.55 genuine is not yet accepted
    assert.equal(at(10 ** -0.3), 2 / 3);
    assert.equal(at(1), 1);
  });
});

describe('verification methods', () => {
  const table = { count: 3, dim: 2, mu: new Float32Array([1, 0, 0, 1, Math.SQRT1_2, Math.SQRT1_2]) };
  it('centring by the mean of the images outside the held-out fold', () => {
    const used = new Uint8Array([1, 0, 0, 1, 0, 1]); // image 0 in fold 0; images 1, 2 in fold 1
    const mean = foldExcludedMean(table, new Uint8Array(3), used, 2);
    assert.deepEqual(Array.from(mean(0)), Array.from(new Float32Array([(0 + Math.SQRT1_2) / 2, (1 + Math.SQRT1_2) / 2])));
    assert.deepEqual(Array.from(mean(1)), [1, 0]);
    assert.deepEqual(Array.from(mean(undefined)), Array.from(new Float32Array([(1 + Math.SQRT1_2) / 3, (1 + Math.SQRT1_2) / 3])));
    // A failed image is never part of the mean.
    // Without fold 1's images only image 0 is left; when it failed there is nothing to average.
    assert.throws(() => foldExcludedMean(table, new Uint8Array([1, 0, 0]), used, 2)(1), /no valid image outside fold 1/);
  });
  it('centred cosine of two unit rows around their midpoint is −1; raw cosine is 0', () => {
    const a = new Int32Array([0]);
    const b = new Int32Array([1]);
    assert.ok(Math.abs(cosineScorer(table)(a, b, undefined)[0]!) < 1e-7);
    const centred = centredCosineScorer(table, () => new Float32Array([0.5, 0.5]))(a, b, undefined);
    assert.ok(Math.abs(centred[0]! + 1) < 1e-6, String(centred[0]));
  });
  it('MLS from a cached Gaussian source, computed once per fold', () => {
    let calls = 0;
    const source = cachedGaussianSource(() => {
      calls++;
      return gaussianBatchFromRows([[0, 0], [1, 0], [0, 3]], [0.5, 0.5, 1]);
    });
    const scorer = gaussianScorer(source, 'mls');
    const s = scorer(new Int32Array([0, 0]), new Int32Array([1, 2]), 3);
    // Paper MLS: −½ Σ [Δ²/(s1+s2) + log(s1+s2)] − (D/2) log 2π.
    const expected0 = -0.5 * (1 / 1 + 0 + 2 * Math.log(1)) - Math.log(2 * Math.PI);
    const expected1 = -0.5 * (9 / 1.5 + 2 * Math.log(1.5)) - Math.log(2 * Math.PI);
    assert.ok(Math.abs(s[0]! - expected0) < 1e-9);
    assert.ok(Math.abs(s[1]! - expected1) < 1e-9);
    gaussianScorer(source, 'penalty-only')(new Int32Array([0]), new Int32Array([1]), 3);
    assert.equal(calls, 1);
  });
});
