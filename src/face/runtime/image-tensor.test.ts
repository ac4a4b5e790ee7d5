import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isPfeError } from '../../core/errors.js';
import type { RgbImage } from '../types.js';
import { packNormalizedBatch } from './image-tensor.js';

/** A 1×1 image of one RGB pixel. */
const pixel = (r: number, g: number, b: number): RgbImage => ({ width: 1, height: 1, data: Uint8Array.of(r, g, b) });

describe('packNormalizedBatch', () => {
  it('keeps RGB order and applies (pixel − mean) / divisor per channel', () => {
    const out = packNormalizedBatch([pixel(10, 20, 30)], 1, { order: 'rgb', mean: [1, 2, 3], divisor: 2 });
    assert.deepEqual([...out], [4.5, 9, 13.5]);
  });

  it('reverses to BGR before subtracting the means (given in BGR order)', () => {
    const out = packNormalizedBatch([pixel(10, 20, 30), pixel(200, 100, 50)], 1, { order: 'bgr', mean: [103.939, 116.779, 123.68], divisor: 1 });
    const expected = [30 - 103.939, 20 - 116.779, 10 - 123.68, 50 - 103.939, 100 - 116.779, 200 - 123.68];
    expected.forEach((v, k) => assert.ok(Math.abs(out[k]! - v) < 1e-4, `value ${k}: ${out[k]} vs ${v}`));
  });

  it('rejects no image, a wrong size and a non-positive divisor', () => {
    const norm = { order: 'rgb', mean: [0, 0, 0], divisor: 1 } as const;
    assert.throws(() => packNormalizedBatch([], 1, norm), (e) => isPfeError(e, 'EMPTY_INPUT'));
    assert.throws(() => packNormalizedBatch([pixel(0, 0, 0)], 2, norm), (e) => isPfeError(e, 'DIMENSION_MISMATCH') && /image 0/.test(e.message));
    assert.throws(() => packNormalizedBatch([pixel(0, 0, 0)], 1, { ...norm, divisor: 0 }), (e) => isPfeError(e, 'INVALID_ARGUMENT'));
  });
});
