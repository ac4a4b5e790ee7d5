import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { fixturePath } from '../../testing/paths.js';
import { headerDimensions } from './header-dimensions.js';

async function encoded(width: number, height: number, format: 'jpeg' | 'png' | 'webp', lossless = false): Promise<Uint8Array> {
  const img = sharp({ create: { width, height, channels: 3, background: { r: 90, g: 120, b: 200 } } });
  const out = format === 'jpeg' ? img.jpeg({ progressive: width % 2 === 1 }) : format === 'png' ? img.png() : img.webp({ lossless });
  return new Uint8Array(await out.toBuffer());
}

describe('headerDimensions', () => {
  it('reads width and height of JPEG (baseline and progressive), PNG and WebP (lossy, lossless) as sharp wrote them', async () => {
    for (const [w, h] of [
      [37, 251],
      [640, 12],
      [1, 1],
    ] as const) {
      for (const [format, lossless] of [
        ['jpeg', false],
        ['png', false],
        ['webp', false],
        ['webp', true],
      ] as const) {
        assert.deepEqual(headerDimensions(await encoded(w, h, format, lossless)), { width: w, height: h }, `${format}${lossless ? ' lossless' : ''} ${w}×${h}`);
      }
    }
  });
  it('reads an LFW fixture JPEG (with EXIF/JFIF segments before the frame)', async () => {
    const bytes = new Uint8Array(await readFile(fixturePath('lfw', 'images', 'Abdullah_Gul', 'Abdullah_Gul_0001.jpg')));
    const meta = await sharp(bytes).metadata();
    assert.deepEqual(headerDimensions(bytes), { width: meta.width, height: meta.height });
  });
  it('says undefined for other bytes and cut-short headers', async () => {
    assert.equal(headerDimensions(new TextEncoder().encode('not an image at all, just text')), undefined);
    assert.equal(headerDimensions(new Uint8Array(0)), undefined);
    const png = await encoded(10, 10, 'png');
    assert.equal(headerDimensions(png.subarray(0, 20)), undefined);
  });
});
