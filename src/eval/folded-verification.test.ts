import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateFoldedVerification } from './folded-verification.js';
import { kFoldAccuracy } from '../metrics/accuracy.js';

describe('evaluateFoldedVerification', () => {
  const labels = new Uint8Array([1, 1, 0, 0, 1, 1, 0, 0, 1, 0, 1, 0]);
  const folds = new Int32Array([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
  const scores = new Float64Array([0.9, 0.4, 0.5, 0.1, 0.8, 0.7, 0.3, 0.75, 0.6, 0.2, 0.35, 0.55]);

  it('equals kFoldAccuracy when the model does not depend on the fold', () => {
    const folded = evaluateFoldedVerification(labels, folds, 3, () => scores, [0.25]);
    const plain = kFoldAccuracy(scores, labels, folds);
    assert.deepEqual(folded.foldAccuracies, Array.from(plain.foldAccuracies));
    assert.ok(Math.abs(folded.meanAccuracy - plain.mean) < 1e-12);
  });

  it('scores each fold with its own model', () => {
    // The model for held-out fold 1 flips fold 1's scores: its accuracy must collapse, the others not.
    const flipped = (f: number): Float64Array => scores.map((s, i) => (f === 1 && folds[i] === 1 ? 1 - s : s));
    const base = evaluateFoldedVerification(labels, folds, 3, () => scores, [0.25]);
    const r = evaluateFoldedVerification(labels, folds, 3, flipped, [0.25]);
    assert.ok(r.foldAccuracies[1]! < base.foldAccuracies[1]!, `${r.foldAccuracies[1]} vs ${base.foldAccuracies[1]}`);
    assert.equal(r.heldOutScores[4], 1 - 0.8);
    assert.equal(r.heldOutScores[0], 0.9);
  });

  it('rejects a scorer of the wrong length', () => {
    assert.throws(() => evaluateFoldedVerification(labels, folds, 3, () => new Float64Array(3), [0.1]), /fold 0 scorer returned 3/);
  });
});
