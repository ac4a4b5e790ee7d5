import { BACKBONE_DESCRIPTIONS, DEFAULT_BACKBONE } from '../backbone/names.js';
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fixturePath } from '../../testing/paths.js';
import { EmbedCache } from './embed-cache.js';
import { embedImages } from './embed-images.js';
import type { EmbedResult, EmbeddedFace } from './face-embedder.js';

function cosine(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function ok(r: EmbedResult | undefined): EmbeddedFace {
  assert.ok(r !== undefined && r.status === 'ok', `expected an embedded face, got ${JSON.stringify(r)}`);
  return r;
}

const images = ['Abdullah_Gul/Abdullah_Gul_0001.jpg', 'Abdullah_Gul/Abdullah_Gul_0002.jpg', 'Adrien_Brody/Adrien_Brody_0001.jpg'].map((p) => fixturePath('lfw', 'images', p));

describe('embedImages (real faces through detector, alignment and the default backbone)', () => {
  let dir: string;
  let corrupt: string;
  let text: string;
  let noFace: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pfe-embed-'));
    corrupt = path.join(dir, 'corrupt.jpg');
    text = path.join(dir, 'notes.jpg');
    // The first 300 bytes of a real JPEG: a valid header whose data stops short.
    const { readFile } = await import('node:fs/promises');
    await writeFile(corrupt, (await readFile(images[0]!)).subarray(0, 300));
    await writeFile(text, 'not an image\n');
    // A face-free photo-sized image: smooth grey gradient, no face for the detector to find.
    const sharp = (await import('sharp')).default;
    const gradient = Buffer.alloc(160 * 120 * 3);
    for (let i = 0; i < gradient.length; i++) gradient[i] = Math.floor(i / 3 / 160) + 60;
    noFace = path.join(dir, 'wall.png');
    await sharp(gradient, { raw: { width: 160, height: 120, channels: 3 } }).png().toFile(noFace);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('embeds faces, records failures with their reason, and resumes from the cache', async () => {
    const cache = new EmbedCache(path.join(dir, 'cache'));
    const requests = [...images, corrupt, text, path.join(dir, 'missing.jpg'), noFace].map((p) => ({ path: p }));
    const progress: number[] = [];
    const first = await embedImages(requests, { workers: 0, cache, onProgress: (n) => progress.push(n) });
    assert.equal(progress.reduce((a, b) => a + b, 0), requests.length);
    const [gul1, gul2, brody] = [ok(first[0]), ok(first[1]), ok(first[2])];
    assert.equal(gul1.mu.length, BACKBONE_DESCRIPTIONS[DEFAULT_BACKBONE].dim);
    assert.ok(Math.abs(cosine(gul1.mu, gul1.mu) - 1) < 1e-5, 'rows are L2-normalised');
    assert.equal(gul1.landmarkSource, 'landmark68');
    assert.ok(gul1.detectorScore !== null && gul1.detectorScore > 0.5);
    const same = cosine(gul1.mu, gul2.mu);
    const different = Math.max(cosine(gul1.mu, brody.mu), cosine(gul2.mu, brody.mu));
    assert.ok(same > different + 0.1, `same-person cosine ${same} should exceed different-person ${different}`);
    assert.deepEqual(
      first.slice(3).map((r) => (r.status === 'failed' ? r.code : 'ok')),
      ['IMAGE_DECODE_FAILED', 'IMAGE_DECODE_FAILED', 'IO_ERROR', 'NO_FACE'],
    );

    // Remove one cached face: the rerun answers the others from the cache (IO errors are never cached).
    const shards = await readdir(path.join(dir, 'cache'));
    let files: string[] = [];
    for (const s of shards) files = files.concat((await readdir(path.join(dir, 'cache', s))).map((f) => path.join(dir, 'cache', s, f)));
    assert.equal(files.length, 6);
    await unlink(files[0]!);
    const rerunProgress: number[] = [];
    const second = await embedImages(requests, { workers: 0, cache, onProgress: (n) => rerunProgress.push(n) });
    assert.equal(rerunProgress[0], 5, 'five results come from the cache');
    for (let i = 0; i < 3; i++) assert.deepEqual(ok(second[i]).mu, ok(first[i]).mu);
  });

  it('gives the same embeddings in worker threads as in-process, in input order', async () => {
    const inProcess = await embedImages(images.map((p) => ({ path: p })), { workers: 0 });
    const threaded = await embedImages(images.map((p) => ({ path: p })), { workers: 2, batchSize: 2 });
    for (let i = 0; i < images.length; i++) {
      const a = ok(inProcess[i]);
      const b = ok(threaded[i]);
      assert.ok(cosine(a.mu, b.mu) > 1 - 1e-6, `image ${i}: worker result differs`);
      assert.deepEqual(a.landmarks, b.landmarks);
    }
  });
});
