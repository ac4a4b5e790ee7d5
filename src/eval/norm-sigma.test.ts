import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { median, normSigmaSource } from './norm-sigma.js';
import type { ImageTable } from './image-table.js';

describe('normSigmaSource', () => {
  const table: ImageTable = {
    paths: ['a', 'b', 'c'],
    count: 3,
    dim: 2,
    mu: new Float32Array([1, 0, 0, 1, 0, 0]),
    channels: 2,
    // Raw norms 5, 10 and (failed) 0.
    pooledGlobal: new Float32Array([3, 4, 6, 8, 0, 0]),
    failed: new Uint8Array([0, 0, 1]),
    failures: [{ path: 'c', code: 'NO_FACE', reason: '' }],
    detectorScore: new Float64Array(3).fill(NaN),
    provenance: { fromFolders: 3, embedded: 0 },
  };
  // σ² is stored as float32: compare to 1e-9 (float32 resolution near 1e-3 is ~1e-10).
  it('σ² = base · (norm / reference)^−power, the same for every dimension', () => {
    const g = normSigmaSource(table, () => new Float32Array(2), { baseSigmaSq: 1e-3, referenceNorm: 5, power: 2 })(undefined);
    assert.ok(Math.abs(g.sigmaSq[0]! - 1e-3) < 1e-9);
    assert.ok(Math.abs(g.sigmaSq[2]! - 1e-3 / 4) < 1e-9);
    assert.equal(g.sigmaSq[2], g.sigmaSq[3]);
    // A failed image (no norm) gets the base value; it is never scored.
    assert.ok(Math.abs(g.sigmaSq[4]! - 1e-3) < 1e-9);
    // power 0: one σ² for all.
    const flat = normSigmaSource(table, () => new Float32Array(2), { baseSigmaSq: 1e-3, referenceNorm: 5, power: 0 })(undefined);
    assert.ok(Math.abs(flat.sigmaSq[0]! - flat.sigmaSq[2]!) < 1e-9);
  });
  it('centres mu with the given mean and rejects bad settings', () => {
    const g = normSigmaSource(table, () => new Float32Array([0.5, 0.5]), { baseSigmaSq: 1e-3, referenceNorm: 5, power: 1 })(0);
    assert.ok(Math.abs(g.mu[0]! - Math.SQRT1_2) < 1e-6 && Math.abs(g.mu[1]! + Math.SQRT1_2) < 1e-6);
    assert.throws(() => normSigmaSource(table, () => new Float32Array(2), { baseSigmaSq: 0, referenceNorm: 5, power: 1 }), /baseSigmaSq > 0/);
  });
  it('median of the finite values', () => {
    assert.equal(median([3, NaN, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.throws(() => median([NaN]), /no finite values/);
  });
});
