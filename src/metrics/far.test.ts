import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tarAtFar, thresholdsAtFar, ZERO_FAR_EPSILON } from './far.js';
import { roundHalfEven } from './validate.js';
import { isErrorWithCode } from '../testing/pfe-error-assertions.js';

// Hand-worked case (also checked against a numpy transcription of the reference
// find_thresholds_by_FAR + ROC, numpy 2.4.6, run once; its outputs are the literals below).
// Impostors (10), sorted high→low: 0.9, 0.7, 0.7, 0.7, 0.5, 0.3, 0.3, 0.1, -0.2, -0.5
// Genuine (5): 0.95, 0.8, 0.7, 0.6, 0.3
// k = round_half_even(10·FAR):
//   FAR 0 → 0, 0.04 → 0.4 → 0, 0.05 → 0.5 → 0 (half to even), 0.06 → 0.6 → 1, 0.1 → 1,
//   0.15 → 1.5 → 2, 0.2 → 2, 0.25 → 2.5 → 2 (half to even), 0.35 → 3.5 → 4, 0.45 → 4.5 → 4, 1 → 10.
// k = 0 → threshold 0.9 + 1e-8 (nothing accepted among impostors; genuine 0.95 only → TAR 0.2)
// k = 1 → threshold 0.9 (FAR 1/10, TAR 1/5)
// k = 2 and k = 4 → the 2nd and 4th highest impostor are both 0.7, the tie pulls in all three
//   0.7s: achieved FAR 4/10 (not 2/10), TAR 3/5 (0.95, 0.8, 0.7)
// k = 10 → threshold −0.5 (everything accepted)
const impostor = [0.3, 0.9, -0.5, 0.7, 0.1, 0.7, 0.5, -0.2, 0.7, 0.3];
const genuine = [0.6, 0.95, 0.3, 0.8, 0.7];
const scores = Float64Array.from([...genuine, ...impostor]);
const labels = Uint8Array.from([...genuine.map(() => 1), ...impostor.map(() => 0)]);
const fars = [0, 0.04, 0.05, 0.06, 0.1, 0.15, 0.2, 0.25, 0.35, 0.45, 1.0];

describe('thresholdsAtFar (reference find_thresholds_by_FAR semantics)', () => {
  it('rounds FAR·N half to even and picks the k-th highest impostor', () => {
    const t = thresholdsAtFar(scores, labels, fars);
    assert.deepEqual(Array.from(t), [0.9000000100000001, 0.9000000100000001, 0.9000000100000001, 0.9, 0.9, 0.7, 0.7, 0.7, 0.7, 0.7, -0.5]);
  });
  it('accepts boolean labels and any pair order', () => {
    const order = [7, 3, 12, 0, 14, 5, 9, 1, 11, 2, 13, 4, 8, 6, 10];
    const s = Float64Array.from(order, (i) => scores[i]!);
    const l = order.map((i) => labels[i] === 1);
    assert.deepEqual(Array.from(thresholdsAtFar(s, l, fars)), Array.from(thresholdsAtFar(scores, labels, fars)));
  });
});

describe('tarAtFar', () => {
  it('reports TAR and the achieved FAR, which ties can push above the target', () => {
    const r = tarAtFar(scores, labels, fars);
    assert.deepEqual(r.map((p) => p.tar), [0.2, 0.2, 0.2, 0.2, 0.2, 0.6, 0.6, 0.6, 0.6, 0.6, 1.0]);
    assert.deepEqual(r.map((p) => p.achievedFar), [0, 0, 0, 0.1, 0.1, 0.4, 0.4, 0.4, 0.4, 0.4, 1.0]);
    assert.deepEqual(r.map((p) => p.far), fars);
  });

  it('matches the numpy reference on a random set with tied scores', () => {
    // Produced once by the numpy transcription of ROC(score, label, FARs) (rng seed 7,
    // scores rounded to 2 decimals so ties occur): 23 genuine, 37 impostors.
    const s = Float64Array.from([0.34, 0.35, 0.55, 0.23, 0.41, 0.47, 0.41, 0.67, 0.08, -0.11, 0.35, 0.61, 0.87, 0.07, 0.06, 0.19, 0.1, 0.62, 0.6, 0.5, 0.37, 0.59, 0.49, 0.4, 0.09, 0.04, 0.23, 0.19, 0.33, 0.22, 0.22, 0.32, 0.21, 0.0, -0.04, 0.22, 0.21, 0.34, 0.22, -0.11, 0.51, 0.16, 0.22, 0.7, 0.16, 0.42, 0.66, 0.48, 0.04, 0.18, 0.55, 0.33, 0.38, 0.25, -0.05, 0.74, -0.3, 0.51, 0.6, 0.19]);
    const l = Uint8Array.from([0, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 1, 0, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 1, 0, 1, 0, 0]);
    const r = tarAtFar(s, l, [0.0, 0.01, 0.02, 0.05, 0.1, 0.3, 0.5, 0.9, 1.0]);
    assert.deepEqual(r.map((p) => p.threshold), [0.60000001, 0.60000001, 0.6, 0.49, 0.41, 0.25, 0.21, -0.04, -0.3]);
    const tars = [0.30434782608695654, 0.30434782608695654, 0.34782608695652173, 0.6086956521739131, 0.7391304347826086, 0.9130434782608695, 1.0, 1.0, 1.0];
    const achieved = [0.0, 0.0, 0.02702702702702703, 0.05405405405405406, 0.10810810810810811, 0.2972972972972973, 0.4864864864864865, 0.8918918918918919, 1.0];
    r.forEach((p, i) => {
      assert.ok(Math.abs(p.tar - tars[i]!) < 1e-15, `tar[${i}] ${p.tar} vs ${tars[i]}`);
      assert.ok(Math.abs(p.achievedFar - achieved[i]!) < 1e-15, `far[${i}] ${p.achievedFar} vs ${achieved[i]}`);
    });
  });

  it('keeps FAR 0 at zero false accepts for float32 scores too', () => {
    // In float32, 0.7 + 1e-8 rounds back to 0.7; the threshold is computed in float64 so the
    // top impostor stays rejected (numpy's float32 arithmetic would lose the epsilon).
    const s = Float32Array.from([0.8, 0.7, 0.7, 0.1]);
    const l = Uint8Array.from([1, 1, 0, 0]);
    const [p] = tarAtFar(s, l, [0]);
    assert.equal(p!.achievedFar, 0);
    assert.equal(p!.tar, 0.5); // 0.8 accepted; the genuine 0.7 ties with the top impostor and is rejected
    assert.equal(p!.threshold, Math.fround(0.7) + ZERO_FAR_EPSILON);
  });

  it('stays strictly above the top impostor when 1e-8 is below float64 resolution', () => {
    const s = Float64Array.from([2e9, 1e9, 1e9]);
    const [t] = thresholdsAtFar(s, Uint8Array.from([1, 1, 0]), [0]);
    assert.ok(t! > 1e9);
    assert.equal(tarAtFar(s, Uint8Array.from([1, 1, 0]), [0])[0]!.achievedFar, 0);
  });
});

describe('roundHalfEven', () => {
  it('rounds like numpy.round', () => {
    assert.deepEqual([0.5, 1.5, 2.5, 3.5, 2.4999, 2.5001, 0, 7].map(roundHalfEven), [0, 2, 2, 4, 2, 3, 0, 7]);
  });
});

describe('validation', () => {
  const l = Uint8Array.from([1, 0]);
  it('rejects mismatched lengths', () => {
    assert.throws(() => tarAtFar(Float64Array.from([1, 2, 3]), l, [0.1]), isErrorWithCode('DIMENSION_MISMATCH'));
  });
  it('rejects NaN scores, naming the index', () => {
    assert.throws(() => thresholdsAtFar(Float32Array.from([0.1, NaN]), l, [0.1]), isErrorWithCode('NON_FINITE', /scores\[1\]/));
  });
  it('rejects sets without genuine or without impostor pairs', () => {
    assert.throws(() => tarAtFar(Float64Array.from([1, 2]), Uint8Array.from([0, 0]), [0.1]), isErrorWithCode('EMPTY_INPUT', /genuine/));
    assert.throws(() => tarAtFar(Float64Array.from([1, 2]), [true, true], [0.1]), isErrorWithCode('EMPTY_INPUT', /impostor/));
    assert.throws(() => tarAtFar(new Float64Array(0), new Uint8Array(0), [0.1]), isErrorWithCode('EMPTY_INPUT'));
  });
  it('rejects labels that are not 0/1 and FARs outside [0, 1]', () => {
    assert.throws(() => tarAtFar(Float64Array.from([1, 2]), Uint8Array.from([1, 2]), [0.1]), isErrorWithCode('INVALID_ARGUMENT', /labels\[1\]/));
    assert.throws(() => tarAtFar(Float64Array.from([1, 2]), l, [1.5]), isErrorWithCode('INVALID_ARGUMENT', /fars\[0\]/));
    assert.throws(() => tarAtFar(Float64Array.from([1, 2]), l, [-0.1]), isErrorWithCode('INVALID_ARGUMENT'));
    assert.throws(() => tarAtFar(Float64Array.from([1, 2]), l, []), isErrorWithCode('EMPTY_INPUT'));
  });
});
