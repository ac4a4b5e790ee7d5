import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { embeddingAt, gaussianBatch, gaussianBatchFromRows } from './embedding.js';
import { assertThrowsPfe } from '../testing/pfe-error-assertions.js';

describe('gaussianBatch', () => {
  it('wraps N×D arrays without copying', () => {
    const mu = new Float32Array([1, 2, 3, 4, 5, 6]);
    const s = new Float32Array([1, 1, 1, 2, 2, 2]);
    const b = gaussianBatch(mu, s, 3);
    assert.equal(b.count, 2);
    assert.equal(b.dim, 3);
    assert.equal(b.mu, mu);
    const row = embeddingAt(b, 1);
    assert.deepEqual(Array.from(row.mu), [4, 5, 6]);
    assert.equal(row.mu.buffer, mu.buffer);
  });
  it('rejects unequal shapes', () => {
    assertThrowsPfe(() => gaussianBatch(new Float32Array(6), new Float32Array(4).fill(1), 2), 'DIMENSION_MISMATCH');
    assertThrowsPfe(() => gaussianBatch(new Float32Array(5), new Float32Array(5).fill(1), 2), 'DIMENSION_MISMATCH');
  });
  it('names the row and column of a NaN or a bad variance', () => {
    const mu = new Float32Array(6);
    mu[4] = NaN;
    assertThrowsPfe(() => gaussianBatch(mu, new Float32Array(6).fill(1), 3), 'NON_FINITE', /mu\[1\]\[1\]/);
    const s = new Float32Array(6).fill(1);
    s[2] = -0.5;
    assertThrowsPfe(() => gaussianBatch(new Float32Array(6), s, 3), 'NON_POSITIVE_VARIANCE', /sigmaSq\[0\]\[2\]/);
    s[2] = 0;
    assertThrowsPfe(() => gaussianBatch(new Float32Array(6), s, 3), 'NON_POSITIVE_VARIANCE');
    s[2] = Infinity;
    assertThrowsPfe(() => gaussianBatch(new Float32Array(6), s, 3), 'NON_FINITE');
  });
  it('rejects a bad dim and out-of-range rows', () => {
    assertThrowsPfe(() => gaussianBatch(new Float32Array(4), new Float32Array(4).fill(1), 0), 'INVALID_ARGUMENT');
    const b = gaussianBatchFromRows([[0, 0]], [1]);
    assertThrowsPfe(() => embeddingAt(b, 1), 'INDEX_OUT_OF_RANGE');
  });
  it('builds from rows with scalar or per-dimension variances', () => {
    const b = gaussianBatchFromRows([[1, 2], [3, 4]], [0.5, [1, 2]]);
    assert.deepEqual(Array.from(b.sigmaSq), [0.5, 0.5, 1, 2]);
    assertThrowsPfe(() => gaussianBatchFromRows([[1, 2], [3]], [1, 1]), 'DIMENSION_MISMATCH', /row 1/);
    assertThrowsPfe(() => gaussianBatchFromRows([], []), 'EMPTY_INPUT');
  });
});
