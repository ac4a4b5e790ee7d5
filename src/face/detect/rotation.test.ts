import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../runtime/tfjs-runtime.js';
import { type QuarterTurn, rotateImageTensor, unrotatePoint } from './rotation.js';

describe('quarter turns', () => {
  before(async () => {
    await initBackend('cpu');
  });

  it('maps a marked pixel of a turned image back to where it was', async () => {
    const [w, h] = [5, 3];
    for (const turn of [0, 90, 180, 270] as QuarterTurn[]) {
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const img = tf.buffer([1, h, w, 1]);
          img.set(1, 0, y, x, 0);
          const turned = rotateImageTensor(img.toTensor() as tf.Tensor4D, turn);
          const [, th, tw] = turned.shape;
          const values = await turned.data();
          turned.dispose();
          const at = values.indexOf(1);
          const tx = at % tw;
          const ty = Math.floor(at / tw);
          assert.equal(th, turn === 90 || turn === 270 ? w : h, `turned height at ${turn}`);
          // Pixel centres: (tx + 0.5, ty + 0.5) in the turned frame.
          const back = unrotatePoint({ x: tx + 0.5, y: ty + 0.5 }, turn, w, h);
          assert.deepEqual([back.x, back.y], [x + 0.5, y + 0.5], `turn ${turn}, pixel (${x}, ${y})`);
        }
      }
    }
  });
});
