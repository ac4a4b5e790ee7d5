import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { backendInUse, initBackend, wasmBinariesDir } from './tfjs-runtime.js';

describe('initBackend', () => {
  it('finds the .wasm binaries locally', () => {
    assert.ok(existsSync(path.join(wasmBinariesDir(), 'tfjs-backend-wasm-simd.wasm')));
  });

  it('brings up wasm, is idempotent, switches to cpu and back on request', async () => {
    const first = await initBackend('wasm');
    assert.equal(first.backend, 'wasm', `wasm fell back: ${first.fallbackReason ?? ''}`);
    assert.equal(tf.getBackend(), 'wasm');
    const again = await initBackend('wasm');
    assert.equal(again, first, 'a second call returns the same info object');
    const cpu = await initBackend('cpu');
    assert.deepEqual(cpu, { backend: 'cpu', requested: 'cpu' });
    assert.equal(tf.getBackend(), 'cpu');
    assert.equal(backendInUse(), cpu);
    const back = await initBackend('wasm');
    assert.equal(back.backend, 'wasm');
    // Concurrent first calls share one initialisation.
    const [a, b] = await Promise.all([initBackend('cpu'), initBackend('cpu')]);
    assert.equal(a, b);
    // The backend computes: relu6 clips to [0, 6].
    const t = tf.tidy(() => tf.relu6(tf.tensor1d([-1, 3, 9])));
    assert.deepEqual(Array.from(await t.data()), [0, 3, 6]);
    t.dispose();
  });
});
