import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { accuracyAtThreshold, bestThresholdAccuracy, contiguousFolds, kFoldAccuracy } from './accuracy.js';
import { SeededRandom } from '../core/random.js';
import { isErrorWithCode } from '../testing/pfe-error-assertions.js';

/** Brute force of the reference rule: try every genuine score, average the best ones. */
function bruteBest(scores: ArrayLike<number>, labels: ArrayLike<number>): { correct: number; threshold: number } {
  let best = -1;
  let sum = 0;
  let count = 0;
  for (let c = 0; c < scores.length; c++) {
    if (!labels[c]) continue;
    const t = scores[c]!;
    let correct = 0;
    for (let i = 0; i < scores.length; i++) if ((scores[i]! >= t) === (labels[i] === 1)) correct++;
    if (correct > best) [best, sum, count] = [correct, t, 1];
    else if (correct === best) [sum, count] = [sum + t, count + 1];
  }
  return { correct: best, threshold: sum / count };
}

describe('bestThresholdAccuracy (reference metrics.accuracy)', () => {
  it('averages every maximising genuine-score candidate, duplicates included', () => {
    // scores : 0.1(I) 0.3(G) 0.4(I) 0.5(G) 0.5(G) 0.8(G), N = 6
    // t = 0.3: accept 0.3,0.4,0.5,0.5,0.8 → correct: G 4 + I 1 (0.1) = 5
    // t = 0.5 (twice): accept 0.5,0.5,0.8 → correct: G 3 + I 2 = 5
    // t = 0.8: G 1 + I 2 = 3
    // best = 5/6 at candidates 0.3, 0.5, 0.5 → threshold = (0.3 + 0.5 + 0.5)/3 = 1.3/3
    const r = bestThresholdAccuracy(Float64Array.from([0.5, 0.1, 0.8, 0.3, 0.4, 0.5]), Uint8Array.from([1, 0, 1, 1, 0, 1]));
    assert.equal(r.accuracy, 5 / 6);
    assert.ok(Math.abs(r.threshold - 1.3 / 3) < 1e-15);
  });

  it('matches the numpy reference on a random tied set', () => {
    // numpy transcription of metrics.accuracy, run once (same 60-pair set as far.test.ts).
    const r = bestThresholdAccuracy(golden.scores, golden.labels);
    assert.equal(r.accuracy, 0.85);
    assert.ok(Math.abs(r.threshold - 0.4) < 1e-15);
  });
});

const golden = {
  scores: Float64Array.from([0.34, 0.35, 0.55, 0.23, 0.41, 0.47, 0.41, 0.67, 0.08, -0.11, 0.35, 0.61, 0.87, 0.07, 0.06, 0.19, 0.1, 0.62, 0.6, 0.5, 0.37, 0.59, 0.49, 0.4, 0.09, 0.04, 0.23, 0.19, 0.33, 0.22, 0.22, 0.32, 0.21, 0.0, -0.04, 0.22, 0.21, 0.34, 0.22, -0.11, 0.51, 0.16, 0.22, 0.7, 0.16, 0.42, 0.66, 0.48, 0.04, 0.18, 0.55, 0.33, 0.38, 0.25, -0.05, 0.74, -0.3, 0.51, 0.6, 0.19]),
  labels: Uint8Array.from([0, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 1, 0, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 1, 0, 1, 0, 0]),
};

describe('kFoldAccuracy (reference LFWTest.test_standard_proto)', () => {
  it('matches the numpy reference with 5 contiguous folds', () => {
    // numpy transcription of test_standard_proto with folds = arange(60)·5 // 60, run once.
    const r = kFoldAccuracy(golden.scores, golden.labels, contiguousFolds(60, 5));
    const acc = [0.6666666666666666, 0.8333333333333334, 0.9166666666666666, 0.75, 0.8333333333333334];
    const th = [0.4, 0.4366666666666667, 0.4, 0.5, 0.4];
    for (let f = 0; f < 5; f++) {
      assert.ok(Math.abs(r.foldAccuracies[f]! - acc[f]!) < 1e-15, `fold ${f} accuracy`);
      assert.ok(Math.abs(r.thresholds[f]! - th[f]!) < 1e-12, `fold ${f} threshold ${r.thresholds[f]}`);
    }
    assert.ok(Math.abs(r.mean - 0.8) < 1e-15);
    assert.ok(Math.abs(r.std - 0.08498365855987976) < 1e-15);
  });

  it('agrees with a brute-force k-fold on random data with ties and shuffled folds', () => {
    const rng = new SeededRandom(5);
    const rand = (): number => rng.nextFloat();
    const n = 173;
    const k = 7;
    const scores = new Float32Array(n);
    const labels = new Uint8Array(n);
    const folds = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = rand() < 0.5 ? 1 : 0;
      scores[i] = Math.round((rand() + 0.3 * labels[i]!) * 10) / 10;
      folds[i] = i < k ? i : Math.floor(rand() * k);
    }
    const r = kFoldAccuracy(scores, labels, folds);
    for (let f = 0; f < k; f++) {
      const tr: number[] = [];
      const trl: number[] = [];
      for (let i = 0; i < n; i++) if (folds[i] !== f) (tr.push(scores[i]!), trl.push(labels[i]!));
      const { threshold } = bruteBest(tr, trl);
      let correct = 0;
      let size = 0;
      for (let i = 0; i < n; i++) {
        if (folds[i] !== f) continue;
        size++;
        if ((scores[i]! >= threshold) === (labels[i] === 1)) correct++;
      }
      assert.ok(Math.abs(r.thresholds[f]! - threshold) < 1e-12, `fold ${f}: ${r.thresholds[f]} vs ${threshold}`);
      assert.equal(r.foldAccuracies[f], correct / size);
    }
  });

  it('gives contiguous LFW-like folds', () => {
    assert.deepEqual(Array.from(contiguousFolds(6, 3)), [0, 0, 1, 1, 2, 2]);
    assert.deepEqual(Array.from(contiguousFolds(5, 2)), [0, 0, 0, 1, 1]);
  });

  it('rejects bad folds', () => {
    const s = Float64Array.from([1, 2, 3, 4]);
    const l = Uint8Array.from([1, 0, 1, 0]);
    assert.throws(() => kFoldAccuracy(s, l, [0, 0, 0, 0]), isErrorWithCode('INVALID_ARGUMENT', /2 folds/));
    assert.throws(() => kFoldAccuracy(s, l, [0, 2, 0, 2]), isErrorWithCode('INVALID_ARGUMENT', /fold 1 is empty/));
    assert.throws(() => kFoldAccuracy(s, l, [0, 1, 0]), isErrorWithCode('DIMENSION_MISMATCH'));
    assert.throws(() => kFoldAccuracy(s, l, [0, 1, 0.5, 1]), isErrorWithCode('INVALID_ARGUMENT'));
    // fold 0 holds every genuine pair, so the training split of fold 0 has none
    assert.throws(() => kFoldAccuracy(s, l, [0, 1, 0, 1]), isErrorWithCode('EMPTY_INPUT', /fold 0 .*no genuine/));
  });
});

describe('accuracyAtThreshold', () => {
  it('counts score ≥ threshold as genuine', () => {
    // accepted: 0.5, 0.5 (ties at threshold are accepted), 0.9 → correct: G 0.5, G 0.9, I 0.1 → 3/4
    assert.equal(accuracyAtThreshold(Float64Array.from([0.5, 0.5, 0.9, 0.1]), Uint8Array.from([1, 0, 1, 0]), 0.5), 3 / 4);
    assert.throws(() => accuracyAtThreshold(Float64Array.from([0.5]), Uint8Array.from([1]), NaN), isErrorWithCode('NON_FINITE'));
  });
});
