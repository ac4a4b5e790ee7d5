import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomQuality, riskCurves, withWorstForMissing } from './risk-control.js';
import type { IndexedPairs } from './pair-verification.js';

describe('riskCurves', () => {
  // 10 genuine pairs (2 of them with low scores: the errors) and 10 impostor pairs, each pair its own 2 images.
  const n = 20;
  const pairs: IndexedPairs = {
    imageCount: 2 * n,
    a: Int32Array.from({ length: n }, (_, p) => 2 * p),
    b: Int32Array.from({ length: n }, (_, p) => 2 * p + 1),
    labels: Uint8Array.from({ length: n }, (_, p) => (p < 10 ? 1 : 0)),
  };
  const scores = Float64Array.from({ length: n }, (_, p) => (p < 10 ? (p < 2 ? 0.1 : 0.9) : 0.2 + p / 100));
  const options = { far: 0, pAucLimit: 0.3, gridPoints: 4, filterFractions: [0, 0.1] };

  it('a quality that flags exactly the failing pairs removes the errors first', () => {
    const good = Float64Array.from({ length: 2 * n }, (_, i) => (i < 4 ? 0.1 : 0.9));
    const [c] = riskCurves('toy', scores, pairs, [{ name: 'oracle', values: good, order: 'higher-is-better' }], options);
    // Grid 0, 0.1, 0.2, 0.3: FNMR 2/10, then 0 once the two bad pairs (10% of 20) are gone.
    assert.deepEqual(c!.fnmr, [0.2, 0, 0, 0]);
    assert.ok(Math.abs(c!.pAucNormalised - (0.1 * 0.1) / 0.3) < 1e-12);
    // Removing the 10% worst images (4 of 40) drops exactly the two failing pairs.
    assert.deepEqual(c!.filtering, [
      { fraction: 0, tar: 0.8 },
      { fraction: 0.1, tar: 1 },
    ]);
  });

  it('the same signal in "lower is better" form (an uncertainty) gives the same curve', () => {
    const unc = Float64Array.from({ length: 2 * n }, (_, i) => (i < 4 ? 5 : 1));
    const [c] = riskCurves('toy', scores, pairs, [{ name: 'uncertainty', values: unc, order: 'lower-is-better' }], options);
    assert.deepEqual(c!.fnmr, [0.2, 0, 0, 0]);
  });

  it('images no pair uses do not count towards the removed fraction', () => {
    // The same 40 images plus 40 unused rows of worst quality: the result must not change.
    const good = Float64Array.from({ length: 4 * n }, (_, i) => (i >= 2 * n ? NaN : i < 4 ? 0.1 : 0.9));
    const wide = { ...pairs, imageCount: 4 * n };
    const [c] = riskCurves('toy', scores, wide, [{ name: 'oracle', values: good, order: 'higher-is-better' }], options);
    assert.deepEqual(c!.filtering.map((f) => f.tar), [0.8, 1]);
  });

  it('missing values count as the worst quality', () => {
    const q = withWorstForMissing({ name: 'det', values: new Float64Array([0.5, NaN, 0.9]), order: 'higher-is-better' });
    assert.deepEqual(Array.from(q.values), [0.5, -0.5, 0.9]);
    const u = withWorstForMissing({ name: 'unc', values: new Float64Array([2, NaN]), order: 'lower-is-better' });
    assert.deepEqual(Array.from(u.values), [2, 3]);
  });

  it('random quality is seeded', () => {
    assert.deepEqual(randomQuality(5, 3).values, randomQuality(5, 3).values);
    assert.notDeepEqual(randomQuality(5, 3).values, randomQuality(5, 4).values);
  });
});
