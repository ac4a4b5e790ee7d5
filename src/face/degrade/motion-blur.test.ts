import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PfeError } from '../../core/errors.js';
import { solidImage } from './image-stats.js';
import { motionBlur } from './motion-blur.js';

/** Sum of channel 0 over the image. */
function mass(data: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < data.length; i += 3) s += data[i]!;
  return s;
}

describe('motionBlur', () => {
  it('spreads a point along the streak only: a horizontal streak stays in its row', () => {
    const img = solidImage(31, 31, [0, 0, 0]);
    img.data.set([240, 240, 240], (15 * 31 + 15) * 3);
    const out = motionBlur(img, 8, 0);
    for (let y = 0; y < 31; y++)
      for (let x = 0; x < 31; x++) {
        const v = out.data[(y * 31 + x) * 3]!;
        if (y !== 15 || Math.abs(x - 15) > 4) assert.equal(v, 0, `(${x}, ${y})`);
      }
    assert.equal(out.data[(15 * 31 + 15) * 3], 30); // 240 / 8 samples' worth
    assert.ok(Math.abs(mass(out.data) - 240) <= 9, 'the streak keeps the light (up to rounding)');
  });

  it('follows the angle: a vertical streak stays in its column', () => {
    const img = solidImage(21, 21, [0, 0, 0]);
    img.data.set([200, 200, 200], (10 * 21 + 10) * 3);
    const out = motionBlur(img, 6, Math.PI / 2);
    for (let y = 0; y < 21; y++) for (let x = 0; x < 21; x++) if (x !== 10) assert.equal(out.data[(y * 21 + x) * 3], 0);
    assert.ok(out.data[(13 * 21 + 10) * 3]! > 0 && out.data[(7 * 21 + 10) * 3]! > 0);
  });

  it('leaves flat images and length 0 unchanged, and rejects bad arguments', () => {
    const flat = solidImage(9, 7, [10, 120, 250]);
    assert.deepEqual(motionBlur(flat, 12, 0.7).data, flat.data);
    assert.deepEqual(motionBlur(flat, 0, 1).data, flat.data);
    for (const [len, angle] of [[-1, 0], [101, 0], [Number.NaN, 0], [3, Number.POSITIVE_INFINITY]] as const) {
      assert.throws(() => motionBlur(flat, len, angle), (e: unknown) => e instanceof PfeError && e.code === 'INVALID_ARGUMENT');
    }
  });
});
