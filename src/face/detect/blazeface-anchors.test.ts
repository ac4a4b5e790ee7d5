import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateAnchors } from './blazeface-anchors.js';

describe('generateAnchors', () => {
  it('gives 896 anchors for 256: 512 on the stride-16 grid then 384 on the stride-32 grid', () => {
    const a = generateAnchors(256);
    assert.equal(a.length, 896 * 2);
    // First cell of the stride-16 layer holds 2 anchors at (8, 8).
    assert.deepEqual(Array.from(a.slice(0, 4)), [8, 8, 8, 8]);
    // Anchor 2 is the next cell to the right.
    assert.deepEqual(Array.from(a.slice(4, 6)), [24, 8]);
    // Last stride-16 anchor: cell (15, 15) centre (248, 248); first stride-32 anchor at (16, 16).
    assert.deepEqual(Array.from(a.slice(2 * 511, 2 * 513)), [248, 248, 16, 16]);
    // Last anchor: cell (7, 7) of the stride-32 grid.
    assert.deepEqual(Array.from(a.slice(-2)), [240, 240]);
  });
});
