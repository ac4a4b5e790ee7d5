import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rocCurve } from './roc.js';
import { SeededRandom } from '../core/random.js';
import { isErrorWithCode } from '../testing/pfe-error-assertions.js';

describe('rocCurve', () => {
  it('has one point per distinct score on a hand-worked example', () => {
    // genuine 0.9, 0.6, 0.6 ; impostor 0.7, 0.6, 0.2
    // threshold  accepted genuine  accepted impostor   TAR   FAR
    // 0.9+1e-8        0                 0               0     0
    // 0.9             1                 0              1/3    0
    // 0.7             1                 1              1/3   1/3
    // 0.6             3                 2               1    2/3   (tie: both classes move at once)
    // 0.2             3                 3               1     1
    // AUC by trapezoids: (1/3)(1/3) + (1/3)(1/3+1)/2 + (1/3)(1+1) = 1/9 + 2/9 + 3/9 = 6/9
    // Check by pair counting: P(g > i) + ½P(g = i) over 9 pairs: 0.9 beats 3; 0.6 beats 0.2 and
    // ties 0.6 (twice) → (3 + 2·(1 + ½)) / 9 = 6/9.
    const r = rocCurve(Float64Array.from([0.9, 0.7, 0.6, 0.6, 0.6, 0.2]), Uint8Array.from([1, 0, 1, 1, 0, 0]));
    assert.deepEqual(Array.from(r.thresholds), [0.9 + 1e-8, 0.9, 0.7, 0.6, 0.2]);
    assert.deepEqual(Array.from(r.tar), [0, 1 / 3, 1 / 3, 1, 1]);
    assert.deepEqual(Array.from(r.far), [0, 0, 1 / 3, 2 / 3, 1]);
    assert.ok(Math.abs(r.auc - 6 / 9) < 1e-15);
  });

  it('agrees with brute force at every point and with pair-counting AUC (random, ties)', () => {
    const rng = new SeededRandom(11);
    const rand = (): number => rng.nextFloat();
    const n = 300;
    const scores = new Float32Array(n);
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = rand() < 0.4 ? 1 : 0;
      scores[i] = Math.round((rand() + labels[i]! * 0.5) * 20) / 20; // coarse grid → many ties
    }
    const r = rocCurve(scores, labels);
    let nG = 0;
    for (const l of labels) nG += l;
    const nI = n - nG;
    for (let p = 0; p < r.thresholds.length; p++) {
      if (p > 0) assert.ok(r.thresholds[p]! < r.thresholds[p - 1]!, 'thresholds strictly decrease');
      let tp = 0;
      let fp = 0;
      for (let i = 0; i < n; i++) if (scores[i]! >= r.thresholds[p]!) labels[i] ? tp++ : fp++;
      assert.equal(r.tar[p], tp / nG);
      assert.equal(r.far[p], fp / nI);
    }
    assert.equal(r.far[r.far.length - 1], 1);
    assert.equal(r.tar[0], 0);
    let wins = 0;
    for (let i = 0; i < n; i++) {
      if (!labels[i]) continue;
      for (let j = 0; j < n; j++) {
        if (labels[j]) continue;
        if (scores[i]! > scores[j]!) wins += 1;
        else if (scores[i] === scores[j]) wins += 0.5;
      }
    }
    assert.ok(Math.abs(r.auc - wins / (nG * nI)) < 1e-12, `auc ${r.auc} vs ${wins / (nG * nI)}`);
    assert.ok(r.auc > 0.6, 'genuine scores were shifted up, so AUC is well above chance');
  });

  it('rejects a set with one class only', () => {
    assert.throws(() => rocCurve(Float64Array.from([1, 2]), [true, true]), isErrorWithCode('EMPTY_INPUT'));
  });
});
