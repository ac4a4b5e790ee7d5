import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PfeError } from '../../core/errors.js';
import { addGaussianNoise } from './noise.js';
import { solidImage } from './image-stats.js';

describe('addGaussianNoise', () => {
  const grey = solidImage(100, 100, [128, 128, 128]);

  it('adds zero-mean noise with the requested std (mid-grey, so no clamping)', () => {
    const std = 10;
    const out = addGaussianNoise(grey, std, 99);
    let s = 0;
    let s2 = 0;
    for (const v of out.data) {
      s += v - 128;
      s2 += (v - 128) ** 2;
    }
    const n = out.data.length;
    const mean = s / n;
    const measured = Math.sqrt(s2 / n - mean * mean);
    // Rounding to integers adds variance 1/12; bounds are ~5 standard errors for n = 30000.
    assert.ok(Math.abs(mean) < 0.3, `mean ${mean}`);
    assert.ok(Math.abs(measured - Math.sqrt(std * std + 1 / 12)) < 0.25, `std ${measured}`);
  });

  it('is reproducible per seed and differs between seeds; std 0 is a copy', () => {
    assert.deepEqual(addGaussianNoise(grey, 5, 7).data, addGaussianNoise(grey, 5, 7).data);
    assert.notDeepEqual(addGaussianNoise(grey, 5, 7).data, addGaussianNoise(grey, 5, 8).data);
    assert.deepEqual(addGaussianNoise(grey, 0, 7).data, grey.data);
  });

  it('clamps to 0..255 and rejects a bad std or seed', () => {
    const white = addGaussianNoise(solidImage(50, 50, [255, 255, 255]), 30, 1);
    assert.ok(white.data.every((v) => v <= 255) && white.data.some((v) => v < 255));
    const code = (fn: () => unknown): void => assert.throws(fn, (e: unknown) => e instanceof PfeError && e.code === 'INVALID_ARGUMENT');
    code(() => addGaussianNoise(grey, -1, 1));
    code(() => addGaussianNoise(grey, 256, 1));
    code(() => addGaussianNoise(grey, 5, -3));
  });
});
