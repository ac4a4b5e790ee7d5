import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PfeError } from '../../core/errors.js';
import { fixturePath } from '../../testing/paths.js';
import type { RgbImage } from '../types.js';
import { decodeImage } from '../image/decode.js';
import { downUpScale, resizeBilinear } from './resize.js';
import { horizontalDetail, solidImage } from './image-stats.js';

describe('resizeBilinear', () => {
  it('samples at pixel centres: halving a ramp averages neighbour pairs', () => {
    // R = 4x + 10 on a 40-wide ramp; output x samples input x' = 2x + 0.5.
    const img: RgbImage = { width: 40, height: 3, data: new Uint8Array(40 * 3 * 3) };
    for (let y = 0; y < 3; y++) for (let x = 0; x < 40; x++) img.data.set([4 * x + 10, 50, 60], (y * 40 + x) * 3);
    const out = resizeBilinear(img, 20, 3);
    for (let x = 0; x < 20; x++) assert.equal(out.data[(1 * 20 + x) * 3], Math.round(4 * (2 * x + 0.5) + 10));
  });

  it('keeps a constant image constant at any size', () => {
    const img = solidImage(13, 7, [9, 99, 199]);
    assert.deepEqual(resizeBilinear(img, 5, 3).data, solidImage(5, 3, [9, 99, 199]).data);
    assert.deepEqual(resizeBilinear(img, 31, 17).data, solidImage(31, 17, [9, 99, 199]).data);
  });
});

describe('downUpScale', () => {
  it('keeps the size and removes detail on a real face, more at a smaller factor', async () => {
    const img = await decodeImage(fixturePath('lfw', 'images', 'Abdullah_Gul', 'Abdullah_Gul_0002.jpg'));
    const half = downUpScale(img, 0.5);
    const quarter = downUpScale(img, 0.25);
    assert.equal(quarter.width, 150);
    assert.equal(quarter.height, 150);
    const d = [img, half, quarter].map(horizontalDetail);
    assert.ok(d[1]! < 0.8 * d[0]! && d[2]! < 0.8 * d[1]!, `detail ${d.join(' → ')}`);
    assert.deepEqual(downUpScale(img, 1).data, img.data);
  });

  it('rejects a factor outside (0, 1]', () => {
    const img = solidImage(4, 4, [1, 2, 3]);
    for (const bad of [0, -0.5, 1.5, Number.NaN]) {
      assert.throws(() => downUpScale(img, bad), (e: unknown) => e instanceof PfeError && e.code === 'INVALID_ARGUMENT');
    }
  });
});
