import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { cropAndResizeBox } from './crop-box.js';
import { initBackend } from '../runtime/tfjs-runtime.js';

/** A W×H image whose channel 0 is the pixel's x and channel 1 its y (pixel centres at integers). */
function ramp(W: number, H: number): tf.Tensor4D {
  const v = new Float32Array(W * H * 3);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) v.set([x, y, 1], (y * W + x) * 3);
  return tf.tensor4d(v, [1, H, W, 3]);
}

describe('cropAndResizeBox with tf.image.cropAndResize', () => {
  before(async () => {
    await initBackend('cpu');
  });

  it('samples output pixel i at region.x + (i + 0.5)·size/outSize', async () => {
    const img = ramp(10, 8);
    const region = { x: 1.5, y: 0.25, size: 6 };
    const out = 4;
    const crop = tf.image.cropAndResize(img, [cropAndResizeBox(region, 10, 8, out)], [0], [out, out], 'bilinear', 0);
    const v = await crop.data();
    tf.dispose([img, crop]);
    for (let i = 0; i < out; i++) {
      for (let j = 0; j < out; j++) {
        const base = (i * out + j) * 3;
        assert.ok(Math.abs(v[base]! - (region.x + (j + 0.5) * 1.5)) < 1e-4, `x at (${i},${j}) = ${v[base]}`);
        assert.ok(Math.abs(v[base + 1]! - (region.y + (i + 0.5) * 1.5)) < 1e-4, `y at (${i},${j}) = ${v[base + 1]}`);
      }
    }
  });

  it('fills the part of a letterbox square outside the image with 0', async () => {
    const img = ramp(4, 2);
    const crop = tf.image.cropAndResize(img, [cropAndResizeBox({ x: -0.5, y: -0.5, size: 4 }, 4, 2, 4)], [0], [4, 4], 'bilinear', 0);
    const v = await crop.data();
    tf.dispose([img, crop]);
    // Rows 0-1 are the image (x = column, third channel 1); rows 2-3 are padding.
    assert.deepEqual([v[(1 * 4 + 3) * 3], v[(1 * 4 + 3) * 3 + 2]], [3, 1]);
    assert.deepEqual([v[(2 * 4 + 0) * 3 + 2], v[(3 * 4 + 3) * 3 + 2]], [0, 0]);
  });
});
