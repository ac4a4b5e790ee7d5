import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { PfeError } from '../../core/errors.js';
import { fixturePath } from '../../testing/paths.js';
import { decodeImage } from './decode.js';
import { encodeImage, formatFromPath } from './encode.js';

describe('encodeImage', () => {
  it('PNG round-trips an LFW image bit-exactly', async () => {
    const img = await decodeImage(fixturePath('lfw', 'images', 'Adrien_Brody', 'Adrien_Brody_0001.jpg'));
    const png = await encodeImage(img, 'png');
    assert.equal((await sharp(png).metadata()).format, 'png');
    assert.deepEqual((await decodeImage(png)).data, img.data);
  });

  it('JPEG is deterministic, close to the input, and smaller at lower quality', async () => {
    const img = await decodeImage(fixturePath('lfw', 'images', 'Adrien_Brody', 'Adrien_Brody_0002.jpg'));
    const q90a = await encodeImage(img, 'jpeg', { quality: 90 });
    const q90b = await encodeImage(img, 'jpeg', { quality: 90 });
    assert.deepEqual(q90a, q90b);
    const q10 = await encodeImage(img, 'jpeg', { quality: 10 });
    assert.ok(q10.length < q90a.length / 2, `q10 ${q10.length} bytes vs q90 ${q90a.length}`);
    const back = await decodeImage(q90a);
    let sumAbs = 0;
    for (let i = 0; i < img.data.length; i++) sumAbs += Math.abs(back.data[i]! - img.data[i]!);
    const mae = sumAbs / img.data.length;
    assert.ok(mae > 0 && mae < 4, `mean absolute error at q90 is ${mae}`);
  });

  it('rejects a bad quality and a malformed image', async () => {
    const img = { width: 2, height: 2, data: new Uint8Array(12) };
    await assert.rejects(encodeImage(img, 'jpeg', { quality: 0 }), (e: unknown) => e instanceof PfeError && e.code === 'INVALID_ARGUMENT');
    await assert.rejects(encodeImage(img, 'jpeg', { quality: 101 }), (e: unknown) => e instanceof PfeError && e.code === 'INVALID_ARGUMENT');
    await assert.rejects(encodeImage({ width: 2, height: 2, data: new Uint8Array(11) }, 'png'), (e: unknown) => e instanceof PfeError && e.code === 'DIMENSION_MISMATCH');
  });

  it('maps file extensions to formats', () => {
    assert.equal(formatFromPath('/tmp/a.PNG'), 'png');
    assert.equal(formatFromPath('x.jpg'), 'jpeg');
    assert.equal(formatFromPath('x.JPEG'), 'jpeg');
    assert.equal(formatFromPath('x.webp'), undefined);
  });
});
