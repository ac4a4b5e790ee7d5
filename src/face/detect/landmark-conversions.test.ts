import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isPfeError } from '../../core/errors.js';
import { fiveLandmarksFromBlazeface, MOUTH_HALF_WIDTH_PER_EYE_DISTANCE } from './blazeface-landmarks.js';
import { FACEMESH_POINTS } from './facemesh.js';
import { fiveLandmarksFromMesh, MESH_LEFT_EYE_CONTOUR, MESH_MOUTH_LEFT, MESH_MOUTH_RIGHT, MESH_NOSE_TIP, MESH_RIGHT_EYE_CONTOUR } from './mesh-landmarks.js';

describe('fiveLandmarksFromMesh', () => {
  it('averages each eye contour and picks nose tip and mouth corners by index', () => {
    const pts = new Float32Array(FACEMESH_POINTS * 3).fill(-1);
    const set = (i: number, x: number, y: number) => pts.set([x, y, 0], 3 * i);
    // Right eye contour alternates around (30, 40), left eye around (70, 41).
    MESH_RIGHT_EYE_CONTOUR.forEach((i, k) => set(i, 30 + (k % 2 ? 2 : -2), 40));
    MESH_LEFT_EYE_CONTOUR.forEach((i, k) => set(i, 70, 41 + (k % 2 ? 1 : -1)));
    set(MESH_NOSE_TIP, 50, 60);
    set(MESH_MOUTH_RIGHT, 35, 80);
    set(MESH_MOUTH_LEFT, 65, 81);
    const lm = fiveLandmarksFromMesh(pts);
    assert.deepEqual(lm, [{ x: 30, y: 40 }, { x: 70, y: 41 }, { x: 50, y: 60 }, { x: 35, y: 80 }, { x: 65, y: 81 }]);
  });
  it('uses 16 distinct points per eye and rejects a wrong length', () => {
    assert.equal(new Set(MESH_RIGHT_EYE_CONTOUR).size, 16);
    assert.equal(new Set(MESH_LEFT_EYE_CONTOUR).size, 16);
    assert.throws(() => fiveLandmarksFromMesh(new Float32Array(30)), (e) => isPfeError(e, 'DIMENSION_MISMATCH'));
  });
});

describe('fiveLandmarksFromBlazeface', () => {
  it('places mouth corners on either side of the mouth centre along the eye axis', () => {
    // Eyes (40, 50) and (80, 50), nose (60, 70), mouth centre (60, 90), ears ignored.
    const lm = fiveLandmarksFromBlazeface(Float32Array.of(40, 50, 80, 50, 60, 70, 60, 90, 0, 0, 0, 0));
    const half = MOUTH_HALF_WIDTH_PER_EYE_DISTANCE * 40;
    assert.ok(Math.abs(MOUTH_HALF_WIDTH_PER_EYE_DISTANCE - 0.414) < 0.001);
    assert.deepEqual(lm.slice(0, 3), [{ x: 40, y: 50 }, { x: 80, y: 50 }, { x: 60, y: 70 }]);
    assert.ok(Math.abs(lm[3].x - (60 - half)) < 1e-9 && lm[3].y === 90);
    assert.ok(Math.abs(lm[4].x - (60 + half)) < 1e-9 && lm[4].y === 90);
  });
});
