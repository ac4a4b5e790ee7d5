import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { isPfeError } from '../../core/errors.js';
import { alignFace } from '../align/align.js';
import type { RgbImage } from '../types.js';
import { type FaceresBackbone, FACERES_DESCRIPTOR_NODE, FACERES_INPUT_NORMALISATION, loadFaceres, loadFaceresGraph } from './faceres.js';
import { globalAveragePool, l2NormalizeRows } from './feature-pooling.js';
import { pairCosines } from '../../testing/pair-cosines.js';
import { type FixtureFace, loadFixtureFaces } from '../../testing/fixture-faces.js';
import { type InputNormalisation, packImageBatch, packNormalizedBatch } from '../runtime/image-tensor.js';
import { initBackend } from '../runtime/tfjs-runtime.js';

function cosine(a: Float32Array, i: number, j: number, d: number): number {
  let s = 0;
  for (let l = 0; l < d; l++) s += a[i * d + l]! * a[j * d + l]!;
  return s;
}

describe('FaceresBackbone', () => {
  let backbone: FaceresBackbone;
  let faces: FixtureFace[] = [];
  let aligned: RgbImage[] = [];
  let skip: string | false = false;

  before(async () => {
    await initBackend('wasm');
    backbone = await loadFaceres();
    const loaded = await loadFixtureFaces();
    if (typeof loaded === 'string') {
      skip = loaded;
      return;
    }
    faces = loaded;
    // MTCNN landmarks → ArcFace template ×2 (224×224), as faceres input.
    aligned = faces.map((f) => alignFace(f.image, f.mtcnn, 224).image);
  });
  after(() => backbone?.dispose());

  it('rejects no face and a face of the wrong size', async () => {
    await assert.rejects(backbone.embed([]), (e) => isPfeError(e, 'EMPTY_INPUT'));
    const small: RgbImage = { width: 112, height: 112, data: new Uint8Array(112 * 112 * 3) };
    await assert.rejects(backbone.embed([small]), (e) => isPfeError(e, 'DIMENSION_MISMATCH') && /image 0/.test(e.message));
  });

  it('separates same-person from different-person fixture pairs by cosine', async (t) => {
    if (skip) return t.skip(skip);
    const out = await backbone.embed(aligned);
    const { same, different: diff } = pairCosines(out.mu, out.dim, faces.map((f) => f.person));
    assert.ok(same.length > 0 && diff.length > 0, 'fixtures hold same- and different-person pairs');
    const minSame = Math.min(...same);
    const maxDiff = Math.max(...diff);
    t.diagnostic(`same-person cosine min ${minSame.toFixed(3)}, different-person max ${maxDiff.toFixed(3)}`);
    assert.ok(minSame > maxDiff, `min same ${minSame} <= max different ${maxDiff}`);
  });

  it('needs 0..255 input: scaled to 0..1 every face maps to nearly the same direction', async (t) => {
    if (skip) return t.skip(skip);
    const { model } = await loadFaceresGraph();
    const x = tf.tensor4d(packImageBatch(aligned, 224, 1 / 255), [aligned.length, 224, 224, 3]);
    const d = model.execute(x, FACERES_DESCRIPTOR_NODE) as tf.Tensor;
    const mu = l2NormalizeRows((await d.data()) as Float32Array, 1024);
    tf.dispose([x, d]);
    model.dispose();
    const { same, different: diff } = pairCosines(mu, 1024, faces.map((f) => f.person));
    assert.ok(Math.min(...same, ...diff) > 0.99, 'collapsed embeddings with 0..1 input');
  });

  it("separates people by a wider margin with its authors' input (BGR − means) than with raw RGB 0..255", async (t) => {
    if (skip) return t.skip(skip);
    const { model } = await loadFaceresGraph();
    const margin = async (norm: InputNormalisation): Promise<number> => {
      const x = tf.tensor4d(packNormalizedBatch(aligned, 224, norm), [aligned.length, 224, 224, 3]);
      const d = model.execute(x, FACERES_DESCRIPTOR_NODE) as tf.Tensor;
      const mu = l2NormalizeRows((await d.data()) as Float32Array, 1024);
      tf.dispose([x, d]);
      const { same, different: diff } = pairCosines(mu, 1024, faces.map((f) => f.person));
      const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
      return mean(same) - mean(diff);
    };
    const authors = await margin(FACERES_INPUT_NORMALISATION);
    const rawRgb = await margin({ order: 'rgb', mean: [0, 0, 0], divisor: 1 });
    model.dispose();
    t.diagnostic(`mean same − mean different cosine: authors' input ${authors.toFixed(3)}, RGB 0..255 ${rawRgb.toFixed(3)}`);
    assert.ok(authors > rawRgb, `authors' input margin ${authors} <= raw RGB margin ${rawRgb}`);
  });

  it('returns unit rows, non-negative pooled features equal to the conv map means, independent of batching', async (t) => {
    if (skip) return t.skip(skip);
    const four = aligned.slice(0, 4);
    const batched = await backbone.embed(four, { convMap: true, batchSize: 3 });
    const single = await backbone.embed(four, { batchSize: 1 });
    assert.equal(batched.count, 4);
    assert.equal(batched.mu.length, 4 * 1024);
    assert.equal(batched.features.pooledGrid2x2.length, 4 * 4 * 1024);
    const map = batched.features.convMap!;
    assert.deepEqual([map.count, map.height, map.width, map.channels], [4, 7, 7, 1024]);
    for (let i = 0; i < 4; i++) assert.ok(Math.abs(cosine(batched.mu, i, i, 1024) - 1) < 1e-5);
    assert.ok(batched.features.pooledGlobal.every((v) => v >= 0));
    const mean = globalAveragePool(map.data, map);
    let maxDiff = 0;
    for (let k = 0; k < mean.length; k++) maxDiff = Math.max(maxDiff, Math.abs(mean[k]! - batched.features.pooledGlobal[k]!));
    assert.ok(maxDiff < 1e-4, `graph Mean vs JS mean differ by ${maxDiff}`);
    let batchDiff = 0;
    for (let k = 0; k < single.mu.length; k++) batchDiff = Math.max(batchDiff, Math.abs(single.mu[k]! - batched.mu[k]!));
    assert.ok(batchDiff < 1e-5, `batch 1 vs 3 differ by ${batchDiff}`);
    assert.equal(single.features.convMap, undefined, 'conv map only when asked');
  });

  it('frees every tensor: 200 embeddings in batches leave tf.memory() at its baseline', async (t) => {
    if (skip) return t.skip(skip);
    await backbone.embed([aligned[0]!]); // warm-up (kernels, wasm memory)
    const base = tf.memory();
    const face = aligned[0]!;
    for (let round = 0; round < 25; round++) await backbone.embed(new Array<RgbImage>(8).fill(face), { batchSize: 8, convMap: round % 2 === 0 });
    const now = tf.memory();
    assert.equal(now.numTensors, base.numTensors);
    assert.equal(now.numBytes, base.numBytes);
  });
});
