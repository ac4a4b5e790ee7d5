import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gaussianBatchFromRows, embeddingAt } from './embedding.js';
import { uncertaintyScore, uncertaintyScores } from './uncertainty.js';

describe('uncertaintyScore', () => {
  it('is the harmonic mean of sigma² over the dimensions', () => {
    const batch = gaussianBatchFromRows([[0, 0, 0], [1, 1, 1]], [[1, 2, 4], 0.5]);
    // 3 / (1 + 1/2 + 1/4) = 12/7
    assert.ok(Math.abs(uncertaintyScore(embeddingAt(batch, 0)) - 12 / 7) < 1e-15);
    assert.equal(uncertaintyScore(embeddingAt(batch, 1)), 0.5);
    const scores = uncertaintyScore(batch);
    assert.ok(scores instanceof Float64Array);
    assert.deepEqual(Array.from(scores), [uncertaintyScore(embeddingAt(batch, 0)), 0.5]);
  });
  it('is dominated by the most certain dimensions (below the arithmetic mean)', () => {
    const batch = gaussianBatchFromRows([[0, 0]], [[1e-4, 1]]);
    const score = uncertaintyScore(embeddingAt(batch, 0));
    assert.ok(score < 2.1e-4 && score > 1e-4, `${score}`);
  });
  it('writes into a caller-supplied array and checks its length', () => {
    const batch = gaussianBatchFromRows([[0], [0], [0]], [1, 2, 3]);
    const out = new Float32Array(3);
    assert.equal(uncertaintyScores(batch, out), out);
    assert.deepEqual(Array.from(out), [1, 2, 3]);
    assert.throws(() => uncertaintyScores(batch, new Float64Array(2)), { code: 'DIMENSION_MISMATCH' });
  });
});
