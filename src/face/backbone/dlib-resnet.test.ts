import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { isPfeError } from '../../core/errors.js';
import { alignFaceTo } from '../align/align.js';
import { globalAveragePool } from './feature-pooling.js';
import { type FixtureFace, loadFixtureFaces } from '../../testing/fixture-faces.js';
import { type BackendName, initBackend } from '../runtime/tfjs-runtime.js';
import { faceApiModelDir } from '../runtime/face-api-weights.js';
import type { RgbImage } from '../types.js';
import { fixturePath } from '../../testing/paths.js';
import { DLIB_CHIP_TEMPLATE } from './dlib-chip.js';
import { type DlibResnetBackbone, DLIB_RESNET_MANIFEST, loadDlibResnet } from './dlib-resnet.js';

function dot(a: Float32Array, i: number, b: Float32Array, j: number, d: number): number {
  let s = 0;
  for (let l = 0; l < d; l++) s += a[i * d + l]! * b[j * d + l]!;
  return s;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k]! - b[k]!));
  return m;
}

/** Shape of fixtures/golden/dlib-resnet-golden.json (scripts/golden/make-dlib-golden.mjs). */
interface DlibGolden {
  readonly faces: readonly { name: string; chip: { size: number; byteSum: number; weightedSum: number }; descriptor: number[]; descriptorFaceApi255: number[] }[];
}

function normalised(v: readonly number[]): number[] {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

describe('DlibResnetBackbone', () => {
  let backbone: DlibResnetBackbone;
  let faces: FixtureFace[] = [];
  let chips: RgbImage[] = [];
  let skip: string | false = false;

  before(async () => {
    await initBackend('wasm');
    backbone = await loadDlibResnet();
    const loaded = await loadFixtureFaces();
    if (typeof loaded === 'string') {
      skip = loaded;
      return;
    }
    faces = loaded;
    chips = faces.map((f) => alignFaceTo(f.image, f.mtcnn, backbone.cropTemplate).image);
  });
  after(() => backbone?.dispose());

  it("describes itself: 'dlib', 150×150 input, 128-d, dlib's chip template", () => {
    assert.equal(backbone.name, 'dlib');
    assert.equal(backbone.inputSize, 150);
    assert.equal(backbone.embeddingDim, 128);
    assert.equal(backbone.cropTemplate, DLIB_CHIP_TEMPLATE);
    assert.equal(backbone.cropTemplate.size, backbone.inputSize);
  });

  it('rejects no face, a face of the wrong size and a bad batch size', async () => {
    await assert.rejects(backbone.embed([]), (e) => isPfeError(e, 'EMPTY_INPUT'));
    const small: RgbImage = { width: 112, height: 112, data: new Uint8Array(112 * 112 * 3) };
    await assert.rejects(backbone.embed([small]), (e) => isPfeError(e, 'DIMENSION_MISMATCH') && /image 0/.test(e.message));
    const ok: RgbImage = { width: 150, height: 150, data: new Uint8Array(150 * 150 * 3).fill(128) };
    await assert.rejects(backbone.embed([ok], { batchSize: 0 }), (e) => isPfeError(e, 'INVALID_ARGUMENT'));
  });

  it('separates same-person from different-person fixture pairs by cosine', async (t) => {
    if (skip) return t.skip(skip);
    const out = await backbone.embed(chips);
    const same: number[] = [];
    const diff: number[] = [];
    for (let i = 0; i < faces.length; i++) {
      for (let j = i + 1; j < faces.length; j++) (faces[i]!.person === faces[j]!.person ? same : diff).push(dot(out.mu, i, out.mu, j, 128));
    }
    assert.ok(same.length > 0 && diff.length > 0);
    const minSame = Math.min(...same);
    const maxDiff = Math.max(...diff);
    t.diagnostic(`same-person cosine min ${minSame.toFixed(3)}, different-person max ${maxDiff.toFixed(3)}`);
    assert.ok(minSame > maxDiff, `min same ${minSame} <= max different ${maxDiff}`);
  });

  it('matches face-api’s own implementation on fixture chips (golden descriptors)', async (t) => {
    if (skip) return t.skip(skip);
    const golden = JSON.parse(readFileSync(fixturePath('golden', 'dlib-resnet-golden.json'), 'utf8')) as DlibGolden;
    assert.ok(golden.faces.length >= 2);
    for (const g of golden.faces) {
      const face = faces.find((f) => f.name === g.name);
      assert.ok(face !== undefined, `fixture ${g.name}`);
      const chip = alignFaceTo(face.image, face.mtcnn, DLIB_CHIP_TEMPLATE).image;
      let byteSum = 0;
      for (const v of chip.data) byteSum += v;
      assert.equal(byteSum, g.chip.byteSum, `${g.name}: the chip changed (alignment), regenerate the golden file`);
      const { mu } = await backbone.embed([chip]);
      const diff = maxAbsDiff(mu, normalised(g.descriptor));
      // face-api's own /255 input normalisation moves the normalised rows by ≈1.5e-4, so 2e-5 tells them apart.
      const diff255 = maxAbsDiff(mu, normalised(g.descriptorFaceApi255));
      t.diagnostic(`${g.name}: max |Δ| ${diff.toExponential(2)} (vs face-api's /255 variant ${diff255.toExponential(2)})`);
      assert.ok(diff < 2e-5, `${g.name}: differs from face-api by ${diff}`);
    }
  });

  it('returns unit rows, non-negative pooled features equal to the 2×2×256 map means, independent of batching', async (t) => {
    if (skip) return t.skip(skip);
    const four = chips.slice(0, 4);
    const batched = await backbone.embed(four, { convMap: true, batchSize: 3 });
    const single = await backbone.embed(four, { batchSize: 1 });
    assert.equal(batched.count, 4);
    assert.equal(batched.dim, 128);
    assert.equal(batched.mu.length, 4 * 128);
    assert.equal(batched.features.channels, 256);
    assert.equal(batched.features.pooledGlobal.length, 4 * 256);
    assert.equal(batched.features.pooledGrid2x2.length, 4 * 4 * 256);
    const map = batched.features.convMap!;
    assert.deepEqual([map.count, map.height, map.width, map.channels], [4, 2, 2, 256]);
    for (let i = 0; i < 4; i++) assert.ok(Math.abs(dot(batched.mu, i, batched.mu, i, 128) - 1) < 1e-5);
    assert.ok(batched.features.pooledGlobal.every((v) => v >= 0));
    assert.ok(maxAbsDiff(globalAveragePool(map.data, map), batched.features.pooledGlobal) < 1e-6);
    // The map is 2×2, so its 2×2 adaptive pooling is the map itself.
    assert.ok(maxAbsDiff(map.data, batched.features.pooledGrid2x2) < 1e-7);
    const batchDiff = maxAbsDiff(single.mu, batched.mu);
    assert.ok(batchDiff < 1e-5, `batch 1 vs 3 differ by ${batchDiff}`);
    assert.ok(maxAbsDiff(single.features.pooledGlobal, batched.features.pooledGlobal) < 1e-4);
    assert.equal(single.features.convMap, undefined, 'conv map only when asked');
  });

  it('frees every tensor: 100 embeddings in batches leave tf.memory() at its baseline', async (t) => {
    if (skip) return t.skip(skip);
    await backbone.embed([chips[0]!]);
    const base = tf.memory();
    for (let round = 0; round < 10; round++) await backbone.embed(new Array<RgbImage>(10).fill(chips[0]!), { batchSize: 4, convMap: round % 2 === 0 });
    const now = tf.memory();
    assert.equal(now.numTensors, base.numTensors);
    assert.equal(now.numBytes, base.numBytes);
  });
});

describe('loadDlibResnet', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pfe-dlib-'));
    await initBackend('wasm');
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives MODEL_LOAD_FAILED for a folder without the weights', async () => {
    await assert.rejects(loadDlibResnet({ modelDir: dir }), (e) => isPfeError(e, 'MODEL_LOAD_FAILED') && e.message.includes(DLIB_RESNET_MANIFEST));
  });

  it('gives MODEL_LOAD_FAILED naming the tensor when a weight is missing or mis-shaped, and allocates nothing', async () => {
    const source = faceApiModelDir();
    const manifest = JSON.parse(await readFile(path.join(source, DLIB_RESNET_MANIFEST), 'utf8')) as { paths: string[]; weights: { name: string; shape: number[] }[] }[];
    await copyFile(path.join(source, manifest[0]!.paths[0]!), path.join(dir, manifest[0]!.paths[0]!));
    const before = tf.memory().numTensors;

    const renamed = structuredClone(manifest);
    renamed[0]!.weights.find((w) => w.name === 'conv128_1/conv2/scale/weights')!.name = 'conv128_1/conv2/scale/weightz';
    await writeFile(path.join(dir, DLIB_RESNET_MANIFEST), JSON.stringify(renamed));
    await assert.rejects(loadDlibResnet({ modelDir: dir }), (e) => isPfeError(e, 'MODEL_LOAD_FAILED') && /conv128_1\/conv2\/scale\/weights is missing/.test(e.message));

    // Same byte count, other shape: 256×128 read as 128×256.
    const reshaped = structuredClone(manifest);
    reshaped[0]!.weights.find((w) => w.name === 'fc')!.shape = [128, 256];
    await writeFile(path.join(dir, DLIB_RESNET_MANIFEST), JSON.stringify(reshaped));
    await assert.rejects(loadDlibResnet({ modelDir: dir }), (e) => isPfeError(e, 'MODEL_LOAD_FAILED') && /fc has shape \[128, 256\], expected \[256, 128\]/.test(e.message));
    assert.equal(tf.memory().numTensors, before);

    await writeFile(path.join(dir, DLIB_RESNET_MANIFEST), JSON.stringify(manifest));
    const ok = await loadDlibResnet({ modelDir: dir, batchSize: 2 });
    ok.dispose();
    assert.equal(tf.memory().numTensors, before);
  });
});

describe('dlib ResNet cpu vs wasm', () => {
  it('gives the same rows and pooled features on both backends', async (t) => {
    const loaded = await loadFixtureFaces();
    if (typeof loaded === 'string') return t.skip(loaded);
    const chips = loaded.slice(0, 3).map((f) => alignFaceTo(f.image, f.mtcnn, DLIB_CHIP_TEMPLATE).image);
    const results: { mu: Float32Array; pooled: Float32Array }[] = [];
    for (const backend of ['wasm', 'cpu'] as BackendName[]) {
      assert.equal((await initBackend(backend)).backend, backend);
      const b = await loadDlibResnet();
      const out = await b.embed(chips);
      results.push({ mu: out.mu, pooled: out.features.pooledGlobal });
      b.dispose();
    }
    const [wasm, cpu] = results as [{ mu: Float32Array; pooled: Float32Array }, { mu: Float32Array; pooled: Float32Array }];
    const d = maxAbsDiff(wasm.mu, cpu.mu);
    t.diagnostic(`max |Δmu| wasm vs cpu ${d.toExponential(2)}`);
    assert.ok(d < 1e-5);
    assert.ok(maxAbsDiff(wasm.pooled, cpu.pooled) < 1e-4);
  });
});
