import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assignVersions, dilemmaPairs, failedPairFlags, mixedPairs, scoreDistribution, stackTables } from './degraded-protocols.js';
import type { ImageTable } from './image-table.js';
import type { IndexedPairs } from './pair-verification.js';
import { evaluatePairs } from './pairs-evaluation.js';

function table(rows: number[][], failed: number[] = []): ImageTable {
  const k = rows.length;
  const dim = rows[0]!.length;
  return {
    paths: rows.map((_, i) => `img${i}`),
    count: k,
    dim,
    mu: new Float32Array(rows.flat()),
    channels: 1,
    pooledGlobal: new Float32Array(k).fill(1),
    failed: Uint8Array.from({ length: k }, (_, i) => (failed.includes(i) ? 1 : 0)),
    failures: failed.map((i) => ({ path: `img${i}`, code: 'NO_FACE', reason: '' })),
    detectorScore: new Float64Array(k).fill(NaN),
    provenance: { fromFolders: k, embedded: 0 },
  };
}

const base: IndexedPairs = { imageCount: 4, a: new Int32Array([0, 0, 2]), b: new Int32Array([1, 2, 3]), labels: new Uint8Array([1, 0, 1]) };

describe('stackTables', () => {
  it('puts version v of image i at row v·K + i', () => {
    const s = stackTables([table([[1, 0], [0, 1]]), table([[2, 0], [0, 2]], [1])]);
    assert.equal(s.count, 4);
    assert.deepEqual(Array.from(s.mu), [1, 0, 0, 1, 2, 0, 0, 2]);
    assert.deepEqual(Array.from(s.failed), [0, 0, 0, 1]);
    assert.deepEqual(s.paths, ['img0#v0', 'img1#v0', 'img0#v1', 'img1#v1']);
    assert.equal(s.failures[0]!.path, 'img1#v1');
  });
  it('rejects tables of different images', () => {
    assert.throws(() => stackTables([table([[1, 0]]), table([[1, 0], [0, 1]])]), /table 1 has 2 images/);
  });
});

describe('dilemmaPairs', () => {
  it('genuine: clean first image vs degraded second; impostor: both degraded', () => {
    const d = dilemmaPairs(base, 2);
    assert.deepEqual(Array.from(d.a), [0, 8, 2]);
    assert.deepEqual(Array.from(d.b), [9, 10, 11]);
    assert.equal(d.imageCount, 12);
  });
  it('reproduces the dilemma on a toy embedding: degraded impostors overtake genuine pairs under cosine', () => {
    // Clean faces point in their own directions; degradation pulls every face towards one
    // shared "blur" direction (as faceres mu does), so two degraded strangers look alike.
    const clean = table([[1, 0, 0, 0], [0.9, 0.44, 0, 0], [0, 0, 1, 0], [0, 0, 0.9, 0.44]]);
    const blur = [0, 1, 0, 0];
    const degraded = table(clean.paths.map((_, i) => Array.from(clean.mu.subarray(i * 4, i * 4 + 4), (v, l) => 0.2 * v + blur[l]!)));
    const stacked = stackTables([clean, degraded]);
    const pairs = dilemmaPairs({ imageCount: 4, a: new Int32Array([0, 2, 0, 1]), b: new Int32Array([1, 3, 3, 2]), labels: new Uint8Array([1, 1, 0, 0]) }, 1);
    const r = evaluatePairs({ pairs, table: stacked, fars: [0] });
    const d = scoreDistribution(r.methods[0]!.scores, pairs.labels);
    assert.ok(d.impostor.mean > d.genuine.mean, JSON.stringify(d));
    assert.ok(r.methods[0]!.auc < 0.5);
  });
});

describe('mixed protocol helpers', () => {
  it('assignVersions is seeded and follows the weights', () => {
    const v = assignVersions(20000, [0.5, 0.25, 0.25], 7);
    assert.deepEqual(v, assignVersions(20000, [0.5, 0.25, 0.25], 7));
    assert.notDeepEqual(v, assignVersions(20000, [0.5, 0.25, 0.25], 8));
    const counts = [0, 0, 0];
    v.forEach((x) => counts[x]!++);
    // Binomial std at n = 20000, p = 0.5 is ~71: 5 std ≈ 350.
    assert.ok(Math.abs(counts[0]! - 10000) < 350 && Math.abs(counts[1]! - 5000) < 350, String(counts));
    assert.throws(() => assignVersions(3, [0, 0], 1), /not all 0/);
  });
  it('mixedPairs takes every image at its own version', () => {
    const m = mixedPairs(base, new Int32Array([0, 1, 2, 0]), 3);
    assert.deepEqual(Array.from(m.a), [0, 0, 10]);
    assert.deepEqual(Array.from(m.b), [5, 10, 3]);
  });
});

describe('scoreDistribution', () => {
  it('mean and population std per class, skipping flagged pairs', () => {
    const d = scoreDistribution(new Float64Array([1, 3, 10, -5, 100]), new Uint8Array([1, 1, 0, 0, 1]), new Uint8Array([0, 0, 0, 0, 1]));
    assert.deepEqual(d.genuine, { mean: 2, std: 1, count: 2 });
    assert.deepEqual(d.impostor, { mean: 2.5, std: 7.5, count: 2 });
    assert.deepEqual(Array.from(failedPairFlags(base, new Uint8Array([0, 0, 0, 1]))), [0, 0, 1]);
  });
});
