import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PfeError } from '../../core/errors.js';
import { fixturePath } from '../../testing/paths.js';
import { decodeImage } from '../image/decode.js';
import { gaussianBlur, gaussianKernel } from './blur.js';
import { horizontalDetail, solidImage } from './image-stats.js';

describe('gaussianKernel', () => {
  it('has radius ceil(3σ), sums to 1, and follows exp(−k²/2σ²)', () => {
    for (const sigma of [0.5, 1, 2, 3.3]) {
      const k = gaussianKernel(sigma);
      const r = Math.ceil(3 * sigma);
      assert.equal(k.length, 2 * r + 1);
      assert.ok(Math.abs(k.reduce((a, b) => a + b, 0) - 1) < 1e-12);
      for (let i = 1; i <= r; i++) {
        assert.ok(Math.abs(k[r + i]! / k[r]! - Math.exp(-(i * i) / (2 * sigma * sigma))) < 1e-12);
        assert.equal(k[r + i], k[r - i]);
      }
    }
  });
});

describe('gaussianBlur', () => {
  it('turns an impulse into the outer product of the kernel (separable passes)', () => {
    const img = solidImage(21, 21, [0, 0, 0]);
    img.data.set([255, 100, 0], (10 * 21 + 10) * 3);
    const sigma = 1.5;
    const out = gaussianBlur(img, sigma);
    const k = gaussianKernel(sigma);
    const r = (k.length - 1) / 2;
    for (let y = 0; y < 21; y++) {
      for (let x = 0; x < 21; x++) {
        const dx = x - 10;
        const dy = y - 10;
        const w = Math.abs(dx) <= r && Math.abs(dy) <= r ? k[dx + r]! * k[dy + r]! : 0;
        assert.ok(Math.abs(out.data[(y * 21 + x) * 3]! - 255 * w) <= 0.5 + 1e-9, `R at ${x},${y}`);
        assert.ok(Math.abs(out.data[(y * 21 + x) * 3 + 1]! - 100 * w) <= 0.5 + 1e-9, `G at ${x},${y}`);
      }
    }
  });

  it('leaves a constant image unchanged, including at the borders (replicated edges)', () => {
    const img = solidImage(9, 7, [200, 17, 90]);
    assert.deepEqual(gaussianBlur(img, 2.5).data, img.data);
  });

  it('removes detail from a real face, more with a larger sigma; sigma 0 is a copy', async () => {
    const img = await decodeImage(fixturePath('lfw', 'images', 'AJ_Cook', 'AJ_Cook_0001.jpg'));
    const d0 = horizontalDetail(img);
    const d1 = horizontalDetail(gaussianBlur(img, 1));
    const d3 = horizontalDetail(gaussianBlur(img, 3));
    assert.ok(d1 < 0.7 * d0 && d3 < 0.5 * d1, `detail ${d0} → ${d1} → ${d3}`);
    const copy = gaussianBlur(img, 0);
    assert.deepEqual(copy.data, img.data);
    assert.notEqual(copy.data, img.data);
  });

  it('rejects a negative, non-finite or huge sigma', () => {
    const img = solidImage(2, 2, [0, 0, 0]);
    for (const bad of [-1, Number.NaN, Infinity, 101]) {
      assert.throws(() => gaussianBlur(img, bad), (e: unknown) => e instanceof PfeError && e.code === 'INVALID_ARGUMENT');
    }
  });
});
