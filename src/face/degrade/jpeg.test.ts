import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PfeError } from '../../core/errors.js';
import { fixturePath } from '../../testing/paths.js';
import { decodeImage } from '../image/decode.js';
import { jpegRecompress } from './jpeg.js';
import { meanSquaredDifference } from './image-stats.js';

describe('jpegRecompress', () => {
  it('is deterministic and loses more at lower quality', async () => {
    const img = await decodeImage(fixturePath('lfw', 'images', 'Aaron_Eckhart', 'Aaron_Eckhart_0001.jpg'));
    const q10 = await jpegRecompress(img, 10);
    assert.deepEqual((await jpegRecompress(img, 10)).data, q10.data);
    const q90 = await jpegRecompress(img, 90);
    assert.equal(q10.width, 150);
    const e10 = meanSquaredDifference(img, q10);
    const e90 = meanSquaredDifference(img, q90);
    assert.ok(e90 > 0 && e10 > 4 * e90, `MSE q90 ${e90}, q10 ${e10}`);
  });

  it('rejects a quality outside 1..100', async () => {
    const img = { width: 1, height: 1, data: new Uint8Array(3) };
    for (const bad of [0, 101, 50.5]) {
      await assert.rejects(jpegRecompress(img, bad), (e: unknown) => e instanceof PfeError && e.code === 'INVALID_ARGUMENT');
    }
  });
});
