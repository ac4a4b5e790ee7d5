import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PfeError } from '../../core/errors.js';
import type { RgbImage } from '../types.js';
import { invertAffine } from './affine.js';
import { warpAffine } from './warp.js';

/** A w×h image whose channels are linear in (x, y): R = 4x + 10, G = 3y + 20, B = 2x + 2y + 5. */
function linearImage(w: number, h: number): RgbImage {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) data.set([4 * x + 10, 3 * y + 20, 2 * x + 2 * y + 5], (y * w + x) * 3);
  }
  return { width: w, height: h, data };
}

describe('warpAffine', () => {
  const img = linearImage(40, 30);

  it('is the identity for the identity map', () => {
    assert.deepEqual(warpAffine(img, [1, 0, 0, 0, 1, 0], 40, 30).data, img.data);
  });

  it('shifts by whole pixels exactly, with black (constant) or edge (replicate) borders', () => {
    const shifted = warpAffine(img, [1, 0, 3, 0, 1, -2], 40, 30); // output(u, v) = input(u − 3, v + 2)
    const at = (im: RgbImage, x: number, y: number): number[] => Array.from(im.data.subarray((y * im.width + x) * 3, (y * im.width + x) * 3 + 3));
    assert.deepEqual(at(shifted, 10, 5), at(img, 7, 7));
    assert.deepEqual(at(shifted, 0, 5), [0, 0, 0]);
    assert.deepEqual(at(shifted, 10, 29), [0, 0, 0]);
    const rep = warpAffine(img, [1, 0, 3, 0, 1, -2], 40, 30, 'replicate');
    assert.deepEqual(at(rep, 0, 5), at(img, 0, 7));
    assert.deepEqual(at(rep, 10, 29), at(img, 7, 29));
  });

  it('interpolates a linear image exactly (to rounding) under rotation and scaling, sampling at m⁻¹(u, v)', () => {
    const angle = 0.3;
    const s = 1.6;
    const m = [s * Math.cos(angle), -s * Math.sin(angle), -5, s * Math.sin(angle), s * Math.cos(angle), -12] as const;
    const out = warpAffine(img, m, 50, 50);
    const inv = invertAffine(m);
    let checked = 0;
    for (let v = 0; v < 50; v++) {
      for (let u = 0; u < 50; u++) {
        const x = inv[0] * u + inv[1] * v + inv[2];
        const y = inv[3] * u + inv[4] * v + inv[5];
        if (!(x >= 0 && y >= 0 && x <= 39 && y <= 29)) continue;
        const o = (v * 50 + u) * 3;
        const expected = [4 * x + 10, 3 * y + 20, 2 * x + 2 * y + 5];
        for (let c = 0; c < 3; c++) assert.ok(Math.abs(out.data[o + c]! - expected[c]!) <= 0.5 + 1e-9, `(${u},${v}) channel ${c}: ${out.data[o + c]} vs ${expected[c]}`);
        checked++;
      }
    }
    assert.ok(checked > 400, `only ${checked} pixels inside`);
  });

  it('rejects a singular map, a bad size and an unknown border', () => {
    const code = (fn: () => unknown, c: string): void => assert.throws(fn, (e: unknown) => e instanceof PfeError && e.code === c);
    code(() => warpAffine(img, [0, 0, 0, 0, 0, 0], 10, 10), 'INVALID_ARGUMENT');
    code(() => warpAffine(img, [1, 0, 0, 0, 1, 0], 0, 10), 'INVALID_ARGUMENT');
    code(() => warpAffine(img, [1, 0, 0, 0, 1, 0], 10, 10, 'wrap' as 'constant'), 'INVALID_ARGUMENT');
  });
});
