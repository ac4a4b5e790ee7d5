import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyAffine } from '../align/affine.js';
import { regionToCropAffine } from './facemesh.js';

describe('regionToCropAffine', () => {
  it('maps the region centre to the crop centre and the roll direction to +x, scaled by outSize/size', () => {
    const region = { centreX: 50, centreY: 40, size: 96, angle: Math.PI / 6 };
    const m = regionToCropAffine(region, 192);
    const centre = applyAffine(m, { x: 50, y: 40 });
    assert.ok(Math.abs(centre.x - 95.5) < 1e-9 && Math.abs(centre.y - 95.5) < 1e-9);
    // 10 px along the roll direction = 20 crop px to the right; 10 px perpendicular (rotated +90°) = 20 px down.
    const along = applyAffine(m, { x: 50 + 10 * Math.cos(Math.PI / 6), y: 40 + 10 * Math.sin(Math.PI / 6) });
    assert.ok(Math.abs(along.x - 115.5) < 1e-9 && Math.abs(along.y - 95.5) < 1e-9);
    const across = applyAffine(m, { x: 50 - 10 * Math.sin(Math.PI / 6), y: 40 + 10 * Math.cos(Math.PI / 6) });
    assert.ok(Math.abs(across.x - 95.5) < 1e-9 && Math.abs(across.y - 115.5) < 1e-9);
  });
  it('is a plain crop (scale and shift) at zero roll', () => {
    const m = regionToCropAffine({ centreX: 10, centreY: 20, size: 192, angle: 0 }, 192);
    assert.deepEqual(Array.from(m), [1, 0, 95.5 - 10, -0, 1, 95.5 - 20]);
  });
});
