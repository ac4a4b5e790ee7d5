import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PfeError } from '../../core/errors.js';
import { fixturePath } from '../../testing/paths.js';
import { decodeImage } from '../image/decode.js';
import { meanSquaredDifference } from './image-stats.js';
import { lowLight } from './low-light.js';

function meanLevel(data: Uint8Array): number {
  let s = 0;
  for (const v of data) s += v;
  return s / data.length;
}

describe('lowLight', () => {
  it('adds more noise the less light there is, keeping the brightness (gain compensates)', async () => {
    const img = await decodeImage(fixturePath('lfw', 'images', 'AJ_Cook/AJ_Cook_0001.jpg'));
    const errors = [1, 0.1, 0.02, 0.005].map((light) => meanSquaredDifference(img, lowLight(img, light, 7)));
    for (let k = 1; k < errors.length; k++) assert.ok(errors[k]! > 2 * errors[k - 1]!, `noise must grow as light falls: ${errors.join(', ')}`);
    assert.ok(errors[0]! < 10, `full light is nearly clean, MSE ${errors[0]}`);
    const dark = lowLight(img, 0.02, 7);
    assert.ok(Math.abs(meanLevel(dark.data) - meanLevel(img.data)) < 8, 'brightness is restored by the gain');
  });

  it('is deterministic in the seed and rejects a light fraction outside (0, 1]', async () => {
    const img = await decodeImage(fixturePath('lfw', 'images', 'AJ_Cook/AJ_Cook_0001.jpg'));
    assert.deepEqual(lowLight(img, 0.05, 3).data, lowLight(img, 0.05, 3).data);
    assert.notDeepEqual(lowLight(img, 0.05, 3).data, lowLight(img, 0.05, 4).data);
    for (const light of [0, -0.5, 1.01, Number.NaN]) {
      assert.throws(() => lowLight(img, light, 1), (e: unknown) => e instanceof PfeError && e.code === 'INVALID_ARGUMENT');
    }
  });
});
