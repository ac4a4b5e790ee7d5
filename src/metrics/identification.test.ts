import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cmc, dirAtFar } from './identification.js';
import { isErrorWithCode } from '../testing/pfe-error-assertions.js';

// 6 probes × 4 gallery entries (ids 10, 11, 12, 13), row = probe.
//            g10   g11   g12   g13   probe id  mated score  rank (others ≥ it)
// p0        0.2   0.9   0.1   0.3      11        0.9           1
// p1        0.5   0.4   0.45  0.1      99     non-mated, max 0.5
// p2        0.6   0.2   0.7   0.4      13        0.4           3 (0.6, 0.7 above)
// p3        0.55  0.3   0.65  0.2      10        0.55          2 (0.65 above)
// p4        0.3   0.8   0.2   0.35     98     non-mated, max 0.8
// p5        0.1   0.2   0.45  0.25     12        0.45          1
const scores = Float64Array.from([0.2, 0.9, 0.1, 0.3, 0.5, 0.4, 0.45, 0.1, 0.6, 0.2, 0.7, 0.4, 0.55, 0.3, 0.65, 0.2, 0.3, 0.8, 0.2, 0.35, 0.1, 0.2, 0.45, 0.25]);
const probeIds = Int32Array.from([11, 99, 13, 10, 98, 12]);
const galleryIds = Int32Array.from([10, 11, 12, 13]);

describe('cmc', () => {
  it('counts mated probes within the top r (hand-worked)', () => {
    // ranks of the 4 mated probes: 1, 3, 2, 1 → r1 2/4, r2 3/4, r3 4/4, r4 4/4
    const r = cmc(scores, probeIds, galleryIds);
    assert.deepEqual(Array.from(r.ranks), [1, 2, 3, 4]);
    assert.deepEqual(Array.from(r.identificationRates), [0.5, 0.75, 1, 1]);
    assert.equal(r.matedProbes, 4);
    assert.equal(r.nonMatedProbes, 2);
  });

  it('resolves ties against the probe', () => {
    // one probe, all scores equal: the mated entry is ranked after the 2 impostor entries.
    const r = cmc(Float32Array.from([0.5, 0.5, 0.5]), Int32Array.from([7]), Int32Array.from([7, 8, 9]), [1, 2, 3]);
    assert.deepEqual(Array.from(r.identificationRates), [0, 0, 1]);
  });

  it('uses the best of several gallery entries of one identity', () => {
    // gallery ids [7, 8, 7]; scores 0.1, 0.5, 0.9 → best mated 0.9 beats 0.5 → rank 1
    const r = cmc(Float64Array.from([0.1, 0.5, 0.9]), Int32Array.from([7]), Int32Array.from([7, 8, 7]), [1]);
    assert.deepEqual(Array.from(r.identificationRates), [1]);
  });
});

describe('dirAtFar (reference DIR_FAR)', () => {
  it('matches the hand-worked values and the numpy transcription', () => {
    // Non-mated max scores: 0.5, 0.8 (N = 2). k = round_half_even(2·FAR):
    //   FAR 0 → 0 → t = 0.8 + 1e-8 ; FAR 0.25 → 0.5 → 0 → same ; FAR 0.5 → 1 → t = 0.8 ; FAR 1 → 2 → t = 0.5
    // At t > 0.8 or t = 0.8: only p0 (0.9, rank 1) passes → DIR 1/4 at ranks 1, 2, 3.
    // At t = 0.5: rank 1: p0 (p5's 0.45 < 0.5) → 1/4; rank 2: + p3 (0.55, rank 2) → 2/4;
    //   rank 3: p2 has 0.4 < 0.5 → still 2/4.
    // Achieved FAR: t > 0.8 → 0; t = 0.8 → 1/2; t = 0.5 → 2/2.
    // (The numpy transcription of DIR_FAR, run once, printed the same DIRs, FARs and
    // thresholds [0.8000000100000001, 0.8000000100000001, 0.8, 0.5].)
    const r = dirAtFar(scores, probeIds, galleryIds, [0, 0.25, 0.5, 1], [1, 2, 3]);
    assert.deepEqual(r.points.map((p) => p.threshold), [0.8000000100000001, 0.8000000100000001, 0.8, 0.5]);
    assert.deepEqual(r.points.map((p) => p.achievedFar), [0, 0, 0.5, 1]);
    assert.deepEqual(r.points.map((p) => Array.from(p.dir)), [
      [0.25, 0.25, 0.25],
      [0.25, 0.25, 0.25],
      [0.25, 0.25, 0.25],
      [0.25, 0.5, 0.5],
    ]);
  });

  it('validates its input', () => {
    assert.throws(() => dirAtFar(scores.subarray(0, 20), probeIds, galleryIds, [0.1]), isErrorWithCode('DIMENSION_MISMATCH'));
    const nan = Float64Array.from(scores);
    nan[6] = NaN;
    assert.throws(() => dirAtFar(nan, probeIds, galleryIds, [0.1]), isErrorWithCode('NON_FINITE', /scores\[1\]\[2\]/));
    // every probe mated → no non-mated probe for the threshold
    assert.throws(() => dirAtFar(Float64Array.from([1, 0, 0, 1]), Int32Array.from([1, 2]), Int32Array.from([1, 2]), [0.1]), isErrorWithCode('EMPTY_INPUT', /non-mated/));
    assert.throws(() => cmc(Float64Array.from([1, 0]), Int32Array.from([5]), Int32Array.from([1, 2])), isErrorWithCode('EMPTY_INPUT', /mated/));
    assert.throws(() => cmc(scores, probeIds, galleryIds, [0]), isErrorWithCode('INVALID_ARGUMENT'));
  });
});
