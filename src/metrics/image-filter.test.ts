import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tarAtFarAfterImageFiltering } from './image-filter.js';
import { isErrorWithCode } from '../testing/pfe-error-assertions.js';

// 6 images with qualities [0.9, 0.1, 0.8, 0.7, 0.3, 0.6]: worst first 1, 4, 5, 3, 2, 0.
//  pair  images  score  label
//   0    (0,2)   0.9     G
//   1    (1,3)   0.2     G     uses image 1
//   2    (3,5)   0.7     G
//   3    (0,4)   0.8     I     uses image 4
//   4    (1,2)   0.75    I     uses image 1
//   5    (2,5)   0.3     I
//   6    (0,3)   0.1     I
// FAR 0.25.
//  remove 0 images: I = {0.8, 0.75, 0.3, 0.1}, k = round(1) = 1 → t = 0.8 → TAR 1/3 (0.9), FAR 1/4
//  remove 1 (img 1; 6·1/6 = 1): pairs 1, 4 dropped. G {0.9, 0.7}, I {0.8, 0.3, 0.1},
//     k = round(0.75) = 1 → t = 0.8 → TAR 1/2, FAR 1/3
//  remove 2 (imgs 1, 4): pair 3 dropped too. G {0.9, 0.7}, I {0.3, 0.1}, k = round(0.5) = 0
//     → t = 0.3 + 1e-8 → TAR 1, FAR 0
//  remove all: nothing left → NaN
const scores = Float64Array.from([0.9, 0.2, 0.7, 0.8, 0.75, 0.3, 0.1]);
const labels = [true, true, true, false, false, false, false];
const a = Int32Array.from([0, 1, 3, 0, 1, 2, 0]);
const b = Int32Array.from([2, 3, 5, 4, 2, 5, 3]);
const quality = Float64Array.from([0.9, 0.1, 0.8, 0.7, 0.3, 0.6]);

describe('tarAtFarAfterImageFiltering', () => {
  it('drops pairs of removed images and recomputes TAR at FAR (hand-worked)', () => {
    const r = tarAtFarAfterImageFiltering(scores, labels, a, b, quality, { filterFractions: [0, 1 / 6, 2 / 6, 1], fars: [0.25], qualityOrder: 'higher-is-better' });
    assert.deepEqual(r.map((p) => p.removedImages), [0, 1, 2, 6]);
    assert.deepEqual(r.map((p) => [p.genuineKept, p.impostorKept]), [[3, 4], [2, 3], [2, 2], [0, 0]]);
    assert.deepEqual(r.slice(0, 3).map((p) => p.results[0]!.tar), [1 / 3, 1 / 2, 1]);
    assert.deepEqual(r.slice(0, 3).map((p) => p.results[0]!.achievedFar), [1 / 4, 1 / 3, 0]);
    assert.deepEqual(r.slice(0, 3).map((p) => p.results[0]!.threshold), [0.8, 0.8, 0.3 + 1e-8]);
    assert.ok(Number.isNaN(r[3]!.results[0]!.tar));
  });

  it('filters by uncertainty with lower-is-better', () => {
    const uncertainty = quality.map((q) => 1 - q);
    const r = tarAtFarAfterImageFiltering(scores, labels, a, b, uncertainty, { filterFractions: [2 / 6], fars: [0.25], qualityOrder: 'lower-is-better' });
    assert.equal(r[0]!.results[0]!.tar, 1);
  });

  it('validates pair indices', () => {
    const bad = Int32Array.from([2, 3, 5, 4, 2, 6, 3]);
    assert.throws(
      () => tarAtFarAfterImageFiltering(scores, labels, a, bad, quality, { filterFractions: [0], fars: [0.1], qualityOrder: 'higher-is-better' }),
      isErrorWithCode('INDEX_OUT_OF_RANGE', /indexB\[5\]/),
    );
    assert.throws(
      () => tarAtFarAfterImageFiltering(scores, labels, a.subarray(1), b, quality, { filterFractions: [0], fars: [0.1], qualityOrder: 'higher-is-better' }),
      isErrorWithCode('DIMENSION_MISMATCH'),
    );
  });
});
