import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isPfeError } from '../../core/errors.js';
import { decodeBlazeface, sigmoid } from './blazeface-decode.js';

describe('decodeBlazeface', () => {
  it('adds the anchor to centre and keypoint offsets, takes sizes as absolute and keeps scores ≥ minScore', () => {
    const anchors = Float32Array.of(8, 8, 100, 50);
    const raw = new Float32Array(2 * 17);
    raw[0] = -5; // sigmoid ≈ 0.0067: dropped
    raw[17] = 2; // sigmoid ≈ 0.881
    raw.set([3, -4, 20, 10], 18); // centre (103, 46), 20×10
    for (let k = 0; k < 6; k++) raw.set([k, -k], 22 + 2 * k);
    const out = decodeBlazeface(raw, anchors, 0.5);
    assert.equal(out.length, 1);
    const c = out[0]!;
    assert.equal(c.anchor, 1);
    assert.ok(Math.abs(c.score - 1 / (1 + Math.exp(-2))) < 1e-12);
    assert.deepEqual(c.box, { x0: 93, y0: 41, x1: 113, y1: 51 });
    assert.deepEqual(Array.from(c.keypoints), [100, 50, 101, 49, 102, 48, 103, 47, 104, 46, 105, 45]);
  });
  it('rejects an output whose length does not fit the anchors', () => {
    assert.throws(() => decodeBlazeface(new Float32Array(17), Float32Array.of(0, 0, 1, 1), 0.5), (e) => isPfeError(e, 'DIMENSION_MISMATCH'));
  });
  it('sigmoid stays finite and symmetric for large inputs', () => {
    assert.equal(sigmoid(-1000), 0);
    assert.equal(sigmoid(1000), 1);
    assert.ok(Math.abs(sigmoid(1.5) + sigmoid(-1.5) - 1) < 1e-15);
  });
});
