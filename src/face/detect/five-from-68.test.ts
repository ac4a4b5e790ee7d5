import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fiveLandmarksFrom68 } from './five-from-68.js';

describe('fiveLandmarksFrom68', () => {
  it("takes eye means of points 36–41 and 42–47, the nose tip 30 and mouth corners 48 and 54 (dlib's reduction)", () => {
    const pts = new Float32Array(136);
    for (let i = 0; i < 68; i++) {
      pts[2 * i] = i;
      pts[2 * i + 1] = 1000 + 2 * i;
    }
    const five = fiveLandmarksFrom68(pts);
    assert.deepEqual(five, [
      { x: 38.5, y: 1077 },
      { x: 44.5, y: 1089 },
      { x: 30, y: 1060 },
      { x: 48, y: 1096 },
      { x: 54, y: 1108 },
    ]);
  });

  it('refuses a wrong point count', () => {
    assert.throws(() => fiveLandmarksFrom68(new Float32Array(10)), { code: 'DIMENSION_MISMATCH' });
  });
});
