import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cosineMatrix, cosinePairs, cosineScan, cosineSimilarity } from './cosine.js';
import { embeddingAt, gaussianBatchFromRows } from './embedding.js';

const mean = (values: number[]) => ({ dim: values.length, mu: new Float32Array(values) });

describe('cosineSimilarity', () => {
  it('gives 1, 0 and -1 for parallel, orthogonal and opposite vectors, ignoring length', () => {
    assert.ok(Math.abs(cosineSimilarity(mean([1, 2, 3]), mean([2, 4, 6])) - 1) < 1e-15);
    assert.equal(cosineSimilarity(mean([1, 0]), mean([0, 5])), 0);
    assert.ok(Math.abs(cosineSimilarity(mean([1, -1]), mean([-3, 3])) + 1) < 1e-15);
  });
  it('matches the textbook value for a 45° angle', () => {
    assert.ok(Math.abs(cosineSimilarity(mean([1, 0]), mean([1, 1])) - Math.SQRT1_2) < 1e-15);
  });
  it('rejects a zero vector instead of returning NaN', () => {
    assert.throws(() => cosineSimilarity(mean([0, 0]), mean([1, 1])), { code: 'INVALID_ARGUMENT' });
  });
  it('agrees across single, pairs, matrix and scan forms and ignores the variances', () => {
    const a = gaussianBatchFromRows([[1, 2, 0], [0.5, -1, 3], [-2, 0.25, 1]], [1, 2, [0.1, 0.2, 0.3]]);
    const b = gaussianBatchFromRows([[3, 1, 1], [0, 0, -1]], [5, 0.01]);
    const matrix = cosineMatrix(a, b);
    const pairs = cosinePairs(a, b, new Int32Array([2, 0, 1]), new Int32Array([1, 0, 1]));
    for (let i = 0; i < 3; i++) {
      const scan = cosineScan(embeddingAt(a, i), b);
      for (let j = 0; j < 2; j++) {
        const single = cosineSimilarity(embeddingAt(a, i), embeddingAt(b, j));
        assert.ok(Math.abs(matrix[i * 2 + j]! - single) < 1e-15);
        assert.equal(scan[j], matrix[i * 2 + j]);
      }
    }
    assert.deepEqual(Array.from(pairs), [matrix[5], matrix[0], matrix[3]]);
  });
});
