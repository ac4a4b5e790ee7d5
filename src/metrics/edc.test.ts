import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../core/random.js';
import { edcPartialAuc, errorVersusDiscard, linearGrid, partialAreaUnderCurve } from './edc.js';
import { pairQuality, pairQualityFromImages, worstFirstOrder } from './quality.js';
import { isErrorWithCode } from '../testing/pfe-error-assertions.js';

// 8 pairs (4 genuine, 4 impostor); the low-quality pairs are the hard ones.
//  pair  score  label  quality
//   0    0.9     G      0.9
//   1    0.8     G      0.8
//   2    0.2     G      0.1    ← worst
//   3    0.5     G      0.2
//   4    0.7     I      0.15   ← high-scoring low-quality impostor
//   5    0.4     I      0.7
//   6    0.1     I      0.6
//   7    0.0     I      0.5
// Worst-first order: 2, 4, 3, 7, 6, 5, 1, 0. Grid 0, 1/8, ..., 4/8 discards 0..4 pairs.
// Target FMR 0.25 on all pairs: k = round(4·0.25) = 1 → threshold = top impostor 0.7.
// Fixed threshold 0.7:
//   d=0: genuine rejected 0.2, 0.5 → FNMR 2/4; impostors ≥ 0.7: {0.7} → FMR 1/4
//   d=1 (−pair 2): FNMR 1/3 (0.5); FMR 1/4
//   d=2 (−pair 4): FNMR 1/3; FMR 0/3
//   d=3 (−pair 3): FNMR 0/2; FMR 0/3
//   d=4 (−pair 7): FNMR 0/2; FMR 0/2
// Recomputed per step:
//   d=0, d=1: impostors still include 0.7 → same threshold 0.7, same FNMR 1/2, 1/3
//   d=2: impostors {0.4, 0.1, 0.0}: k = round(0.75) = 1 → threshold 0.4; genuine {0.9, 0.8, 0.5}
//        all accepted → FNMR 0 (fixed mode: 1/3); FMR 1/3
//   d=3: threshold 0.4; FNMR 0; FMR 1/3
//   d=4: impostors {0.4, 0.1}: k = round(0.5) = 0 → threshold 0.4 + 1e-8; FNMR 0; FMR 0
const scores = Float64Array.from([0.9, 0.8, 0.2, 0.5, 0.7, 0.4, 0.1, 0.0]);
const labels = Uint8Array.from([1, 1, 1, 1, 0, 0, 0, 0]);
const quality = Float64Array.from([0.9, 0.8, 0.1, 0.2, 0.15, 0.7, 0.6, 0.5]);
const grid = [0, 0.125, 0.25, 0.375, 0.5];

describe('errorVersusDiscard', () => {
  it('fixed-at-start (default): hand-worked FNMR/FMR', () => {
    const c = errorVersusDiscard(scores, labels, quality, { targetFmr: 0.25, discardFractions: grid, qualityOrder: 'higher-is-better' });
    assert.equal(c.thresholdMode, 'fixed-at-start');
    assert.deepEqual(Array.from(c.discardedPairs), [0, 1, 2, 3, 4]);
    assert.deepEqual(Array.from(c.thresholds), [0.7, 0.7, 0.7, 0.7, 0.7]);
    assert.deepEqual(Array.from(c.fnmr), [2 / 4, 1 / 3, 1 / 3, 0, 0]);
    assert.deepEqual(Array.from(c.fmr), [1 / 4, 1 / 4, 0, 0, 0]);
    assert.deepEqual(Array.from(c.genuineKept), [4, 3, 3, 2, 2]);
    assert.deepEqual(Array.from(c.impostorKept), [4, 4, 3, 3, 2]);
    for (let i = 1; i < c.fnmr.length; i++) assert.ok(c.fnmr[i]! <= c.fnmr[i - 1]!, 'FNMR never rises when hard pairs go first');
  });

  it('recomputed-per-step differs once the high impostor is gone', () => {
    const c = errorVersusDiscard(scores, labels, quality, { targetFmr: 0.25, discardFractions: grid, qualityOrder: 'higher-is-better', thresholdMode: 'recomputed-per-step' });
    assert.deepEqual(Array.from(c.thresholds), [0.7, 0.7, 0.4, 0.4, 0.4 + 1e-8]);
    assert.deepEqual(Array.from(c.fnmr), [2 / 4, 1 / 3, 0, 0, 0]);
    assert.deepEqual(Array.from(c.fmr), [1 / 4, 1 / 4, 1 / 3, 1 / 3, 0]);
  });

  it('treats uncertainty (lower is better) like negated quality, ties included', () => {
    const q = Float64Array.from([0.5, 0.5, 0.1, 0.5, 0.1, 0.7, 0.5, 0.5]); // many ties
    const uncertainty = q.map((v) => -v);
    const opts = { targetFmr: 0.25, discardFractions: grid } as const;
    const a = errorVersusDiscard(scores, labels, q, { ...opts, qualityOrder: 'higher-is-better' });
    const b = errorVersusDiscard(scores, labels, uncertainty, { ...opts, qualityOrder: 'lower-is-better' });
    assert.deepEqual(Array.from(a.fnmr), Array.from(b.fnmr));
    assert.deepEqual(Array.from(a.fmr), Array.from(b.fmr));
    // ties broken by pair index: 0.1 at pairs 2, 4 first, then the 0.5s in index order 0, 1, 3, ...
    assert.deepEqual(Array.from(worstFirstOrder(q, 'higher-is-better')), [2, 4, 0, 1, 3, 6, 7, 5]);
    assert.deepEqual(Array.from(worstFirstOrder(uncertainty, 'lower-is-better')), [2, 4, 0, 1, 3, 6, 7, 5]);
  });

  it('keeps FNMR non-increasing when genuine scores rise with quality (random, fixed threshold)', () => {
    const rng = new SeededRandom(3);
    const n = 400;
    const s = new Float64Array(n);
    const l = new Uint8Array(n);
    const q = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      l[i] = i % 2;
      q[i] = rng.nextFloat();
      // genuine score grows with quality (strictly), impostor score is quality-free noise
      s[i] = l[i] ? q[i]! : rng.nextFloat() * 0.8;
    }
    const c = errorVersusDiscard(s, l, q, { targetFmr: 0.1, discardFractions: linearGrid(0, 0.5, 26), qualityOrder: 'higher-is-better' });
    assert.ok(c.fnmr[0]! > 0.3, `starting FNMR ${c.fnmr[0]} should be substantial`);
    for (let i = 1; i < c.fnmr.length; i++) assert.ok(c.fnmr[i]! <= c.fnmr[i - 1]! + 1e-15, `FNMR rose at step ${i}`);
    assert.ok(c.fnmr[c.fnmr.length - 1]! < c.fnmr[0]!);
  });

  it('rounds discard counts half to even and reports NaN when a class runs out', () => {
    // 8 pairs · 0.0625 = 0.5 → 0 discarded; 8 · 0.1875 = 1.5 → 2
    const c = errorVersusDiscard(scores, labels, quality, { targetFmr: 0.25, discardFractions: [0.0625, 0.1875, 1], qualityOrder: 'higher-is-better' });
    assert.deepEqual(Array.from(c.discardedPairs), [0, 2, 8]);
    assert.ok(Number.isNaN(c.fnmr[2]!) && Number.isNaN(c.fmr[2]!));
  });

  it('validates its input', () => {
    const o = { targetFmr: 0.1, discardFractions: grid, qualityOrder: 'higher-is-better' } as const;
    assert.throws(() => errorVersusDiscard(scores, labels, quality.subarray(1), o), isErrorWithCode('DIMENSION_MISMATCH'));
    const nanQ = Float64Array.from(quality);
    nanQ[3] = NaN;
    assert.throws(() => errorVersusDiscard(scores, labels, nanQ, o), isErrorWithCode('NON_FINITE', /pairQuality\[3\]/));
    assert.throws(() => errorVersusDiscard(scores, labels, quality, { ...o, discardFractions: [0, 0.2, 0.1] }), isErrorWithCode('INVALID_ARGUMENT', /increasing/));
    assert.throws(() => errorVersusDiscard(scores, new Uint8Array(8), quality, o), isErrorWithCode('EMPTY_INPUT'));
  });
});

describe('edcPartialAuc', () => {
  it('integrates FNMR by trapezoids up to the limit, interpolating the last segment', () => {
    // fixed curve FNMR [1/2, 1/3, 1/3, 0, 0] at [0, .125, .25, .375, .5], limit 0.3:
    //   0.125·(1/2 + 1/3)/2 = 5/96 ; 0.125·(1/3 + 1/3)/2 = 1/24 ;
    //   FNMR(0.3) = 1/3 + (0 − 1/3)·(0.05/0.125) = 1/5 → 0.05·(1/3 + 1/5)/2 = 1/75
    //   total = 5/96 + 1/24 + 1/75
    const c = errorVersusDiscard(scores, labels, quality, { targetFmr: 0.25, discardFractions: grid, qualityOrder: 'higher-is-better' });
    assert.ok(Math.abs(edcPartialAuc(c, 0.3) - (5 / 96 + 1 / 24 + 1 / 75)) < 1e-15);
    // limit on a grid point: 5/96 + 1/24
    assert.ok(Math.abs(edcPartialAuc(c, 0.25) - (5 / 96 + 1 / 24)) < 1e-15);
    assert.equal(edcPartialAuc(c, 0), 0);
  });

  it('rejects limits beyond the grid, grids not starting at 0 and NaN inside the range', () => {
    assert.throws(() => partialAreaUnderCurve([0, 0.1], [1, 1], 0.2), isErrorWithCode('INVALID_ARGUMENT'));
    assert.throws(() => edcPartialAuc({ discardFractions: Float64Array.from([0.1, 0.2]), fnmr: Float64Array.from([1, 1]) }, 0.15), isErrorWithCode('INVALID_ARGUMENT', /start at/));
    assert.throws(() => partialAreaUnderCurve([0, 0.1, 0.2], [1, NaN, 1], 0.15), isErrorWithCode('NON_FINITE'));
    assert.equal(partialAreaUnderCurve([0, 0.1, 0.2], [1, 1, NaN], 0.1), 0.1);
  });
});

describe('pairQuality', () => {
  it('takes the worse image of each pair', () => {
    assert.deepEqual(Array.from(pairQuality([0.9, 0.2], [0.5, 0.7], 'higher-is-better')), [0.5, 0.2]);
    assert.deepEqual(Array.from(pairQuality([0.9, 0.2], [0.5, 0.7], 'lower-is-better')), [0.9, 0.7]);
    assert.deepEqual(Array.from(pairQualityFromImages([0.3, 0.8, 0.6], [0, 1], [2, 2], 'higher-is-better')), [0.3, 0.6]);
    assert.throws(() => pairQualityFromImages([0.3], [0], [1], 'higher-is-better'), isErrorWithCode('INDEX_OUT_OF_RANGE', /indexB\[0\]/));
  });
});

describe('linearGrid', () => {
  it('ends exactly at stop', () => {
    const g = linearGrid(0, 0.3, 31);
    assert.equal(g.length, 31);
    assert.equal(g[30], 0.3);
    assert.ok(Math.abs(g[10]! - 0.1) < 1e-16);
  });
});
