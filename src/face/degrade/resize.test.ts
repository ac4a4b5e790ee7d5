import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PfeError } from '../../core/errors.js';
import { fixturePath } from '../../testing/paths.js';
import type { RgbImage } from '../types.js';
import { decodeImage } from '../image/decode.js';
import { downUpScale, resizeBilinear } from './resize.js';
import { horizontalDetail, solidImage } from './image-stats.js';

describe('resizeBilinear', () => {
  it('samples at pixel centres in x and y: halving averages neighbour pairs, doubling interpolates', () => {
    // R = 4x + 10 and G = 3y + 20 on a 40×30 image: bilinear reproduces a linear ramp exactly
    // (up to rounding) wherever it does not clamp at the border.
    const img: RgbImage = { width: 40, height: 30, data: new Uint8Array(40 * 30 * 3) };
    for (let y = 0; y < 30; y++) for (let x = 0; x < 40; x++) img.data.set([4 * x + 10, 3 * y + 20, 60], (y * 40 + x) * 3);
    const half = resizeBilinear(img, 20, 15);
    for (let y = 0; y < 15; y++) {
      for (let x = 0; x < 20; x++) {
        assert.equal(half.data[(y * 20 + x) * 3], Math.round(4 * (2 * x + 0.5) + 10), `R at ${x},${y}`);
        assert.equal(half.data[(y * 20 + x) * 3 + 1], Math.round(3 * (2 * y + 0.5) + 20), `G at ${x},${y}`);
      }
    }
    const double = resizeBilinear(img, 80, 60);
    for (let y = 1; y < 59; y++) {
      for (let x = 1; x < 79; x++) {
        assert.ok(Math.abs(double.data[(y * 80 + x) * 3]! - (4 * ((x + 0.5) / 2 - 0.5) + 10)) <= 0.5, `R at ${x},${y}`);
        assert.ok(Math.abs(double.data[(y * 80 + x) * 3 + 1]! - (3 * ((y + 0.5) / 2 - 0.5) + 20)) <= 0.5, `G at ${x},${y}`);
      }
    }
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
