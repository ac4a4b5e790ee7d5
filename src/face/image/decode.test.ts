import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { fixturePath } from '../../testing/paths.js';
import { decodeImage, DEFAULT_MAX_PIXELS } from './decode.js';
import { assertRejectsPfe } from '../../testing/pfe-error-assertions.js';
import { pngBomb } from '../../testing/png-bomb.js';

const LFW_JPEG = fixturePath('lfw', 'images', 'Abdullah_Gul', 'Abdullah_Gul_0001.jpg');

describe('decodeImage', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pfe-decode-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('decodes an LFW JPEG from a path and from bytes to the same 150×150 RGB pixels', async () => {
    const fromPath = await decodeImage(LFW_JPEG);
    assert.equal(fromPath.width, 150);
    assert.equal(fromPath.height, 150);
    assert.equal(fromPath.data.length, 150 * 150 * 3);
    const fromBytes = await decodeImage(await readFile(LFW_JPEG));
    assert.deepEqual(fromBytes.data, fromPath.data);
    // A real photo is neither constant nor greyscale.
    let colourful = 0;
    for (let i = 0; i < fromPath.data.length; i += 3) if (fromPath.data[i] !== fromPath.data[i + 2]) colourful++;
    assert.ok(colourful > 1000, `only ${colourful} pixels with R != B`);
  });

  it('rejects a truncated JPEG with IMAGE_DECODE_FAILED naming the path', async () => {
    const bytes = await readFile(LFW_JPEG);
    const file = path.join(dir, 'truncated.jpg');
    await writeFile(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const e = await assertRejectsPfe(decodeImage(file), 'IMAGE_DECODE_FAILED', /truncated\.jpg is damaged: its JPEG data is cut short or corrupt/);
    assert.ok(typeof e.details['reason'] === 'string' && e.details['reason'].length > 0);
  });

  it('rejects a text file and empty data with IMAGE_DECODE_FAILED', async () => {
    const file = path.join(dir, 'notes.jpg');
    await writeFile(file, 'this is not an image\n');
    const e = await assertRejectsPfe(decodeImage(file), 'IMAGE_DECODE_FAILED', /^.*notes\.jpg is not an image: it is no JPEG, PNG or WebP file, or it is damaged$/);
    // the decoder's own wording is kept for programs, not shown to people
    assert.match(String(e.details['reason']), /unsupported image format/);
    assert.doesNotMatch(e.message, /unsupported image format|Input buffer/);
    await assertRejectsPfe(decodeImage(new Uint8Array(0)), 'IMAGE_DECODE_FAILED', /empty/);
  });

  it('rejects a missing path with IO_ERROR', async () => {
    await assertRejectsPfe(decodeImage(path.join(dir, 'missing.png')), 'IO_ERROR', /missing\.png/);
  });

  it('rejects a decompression bomb over sharp\'s own pixel limit (30000×30000) as IMAGE_TOO_LARGE, not IMAGE_DECODE_FAILED', async () => {
    await assertRejectsPfe(decodeImage(pngBomb(30_000, 30_000)), 'IMAGE_TOO_LARGE', /30000×30000 = 900000000 pixels/);
  });

  it('rejects a 10000×10000 PNG with IMAGE_TOO_LARGE, stating size and limit', async () => {
    const png = await sharp({ create: { width: 10000, height: 10000, channels: 3, background: { r: 10, g: 20, b: 30 } } }).png().toBuffer();
    const e = await assertRejectsPfe(decodeImage(png), 'IMAGE_TOO_LARGE', new RegExp(`10000×10000 = 100000000 pixels.*${DEFAULT_MAX_PIXELS}`));
    assert.equal(e.details['maxPixels'], DEFAULT_MAX_PIXELS);
  });

  it('checks the size from the header before decoding: a huge header with cut pixel data is TOO_LARGE, not DECODE_FAILED', async () => {
    const png = await sharp({ create: { width: 10000, height: 10000, channels: 3, background: { r: 1, g: 2, b: 3 } } }).png().toBuffer();
    const headerOnly = png.subarray(0, 200); // signature + IHDR + the start of IDAT; not decodable
    await assertRejectsPfe(decodeImage(headerOnly), 'IMAGE_TOO_LARGE');
    // The same cut data under a generous limit does reach the decoder and fails there.
    await assertRejectsPfe(decodeImage(headerOnly, { maxPixels: 200_000_000 }), 'IMAGE_DECODE_FAILED');
  });

  it('honours maxPixels exactly at the boundary', async () => {
    await assertRejectsPfe(decodeImage(LFW_JPEG, { maxPixels: 150 * 150 - 1 }), 'IMAGE_TOO_LARGE', /22500 pixels.*22499/);
    const ok = await decodeImage(LFW_JPEG, { maxPixels: 150 * 150 });
    assert.equal(ok.width, 150);
    await assertRejectsPfe(decodeImage(LFW_JPEG, { maxPixels: 0 }), 'INVALID_ARGUMENT');
  });

  it('applies EXIF orientation 6 (rotate 90° clockwise): size swaps and the left edge becomes the top', async () => {
    // 8 wide × 4 high: left half red, right half blue.
    const w = 8;
    const h = 4;
    const raw = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) raw.set(x < w / 2 ? [255, 0, 0] : [0, 0, 255], (y * w + x) * 3);
    const jpeg = await sharp(raw, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 100 }).withMetadata({ orientation: 6 }).toBuffer();
    assert.equal((await sharp(jpeg).metadata()).orientation, 6);
    const img = await decodeImage(jpeg);
    assert.equal(img.width, 4);
    assert.equal(img.height, 8);
    const top = img.data.subarray(0, 3);
    const bottom = img.data.subarray((7 * 4 + 0) * 3, (7 * 4 + 0) * 3 + 3);
    assert.ok(top[0]! > 200 && top[2]! < 60, `top pixel should be red, got ${Array.from(top).join(',')}`);
    assert.ok(bottom[2]! > 200 && bottom[0]! < 60, `bottom pixel should be blue, got ${Array.from(bottom).join(',')}`);
  });

  it('converts a 1-channel greyscale PNG to RGB with equal channels', async () => {
    const grey = new Uint8Array([0, 50, 100, 150, 200, 250]);
    const png = await sharp(grey, { raw: { width: 3, height: 2, channels: 1 } }).toColourspace('b-w').png().toBuffer();
    assert.equal((await sharp(png).metadata()).channels, 1);
    const img = await decodeImage(png);
    assert.equal(img.data.length, 18);
    for (let i = 0; i < 6; i++) assert.deepEqual(Array.from(img.data.subarray(i * 3, i * 3 + 3)), [grey[i], grey[i], grey[i]]);
  });

  it('drops alpha by compositing onto white', async () => {
    // Pixel 0 opaque dark green, pixel 1 fully transparent red.
    const rgba = new Uint8Array([0, 100, 0, 255, 255, 0, 0, 0]);
    const png = await sharp(rgba, { raw: { width: 2, height: 1, channels: 4 } }).png().toBuffer();
    const img = await decodeImage(png);
    assert.deepEqual(Array.from(img.data), [0, 100, 0, 255, 255, 255]);
  });

  it('decodes lossless WebP exactly and rejects GIF with UNSUPPORTED_FORMAT', async () => {
    const rgb = new Uint8Array(4 * 4 * 3).map((_, i) => (i * 37) % 256);
    const webp = await sharp(rgb, { raw: { width: 4, height: 4, channels: 3 } }).webp({ lossless: true }).toBuffer();
    assert.deepEqual((await decodeImage(webp)).data, rgb);
    const gif = await sharp(rgb, { raw: { width: 4, height: 4, channels: 3 } }).gif().toBuffer();
    await assertRejectsPfe(decodeImage(gif), 'UNSUPPORTED_FORMAT', /gif/);
  });
});
