import { pairCosines } from '../../testing/pair-cosines.js';
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { tmpdir } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { alignFaceTo, arcfaceCropTemplate } from '../align/align.js';
import { type FixtureFace, loadFixtureFaces } from '../../testing/fixture-faces.js';
import { initBackend } from '../runtime/tfjs-runtime.js';
import type { RgbImage } from '../types.js';
import { assertRejectsPfe } from '../../testing/pfe-error-assertions.js';
import {
  loadMobileFaceNet,
  MOBILEFACENET_CONV_CHANNELS,
  MOBILEFACENET_DIM,
  MOBILEFACENET_INPUT_SIZE,
  type MobileFaceNetBackbone,
  mobileFaceNetModelPath,
} from './mobilefacenet.js';

describe('loadMobileFaceNet without the model files', () => {
  it('rejects with MODEL_LOAD_FAILED naming the npm script that installs them', async () => {
    const missing = path.join(tmpdir(), 'pfe-no-such-dir', 'mobilefacenet.json');
    await assertRejectsPfe(loadMobileFaceNet({ modelPath: missing }), 'MODEL_LOAD_FAILED', /npm run models:mobilefacenet/, /pfe-no-such-dir/, /research/);
  });
});

describe('MobileFaceNetBackbone on the LFW fixtures', () => {
  let skip: string | false = false;
  let faces: FixtureFace[] = [];
  let aligned: RgbImage[] = [];
  let backbone: MobileFaceNetBackbone | undefined;
  before(async () => {
    if (!existsSync(mobileFaceNetModelPath())) {
      skip = `MobileFaceNet not fetched (${mobileFaceNetModelPath()}); run \`npm run models:mobilefacenet\``;
      return;
    }
    const loaded = await loadFixtureFaces();
    if (typeof loaded === 'string') {
      skip = loaded;
      return;
    }
    await initBackend('wasm');
    faces = loaded;
    backbone = await loadMobileFaceNet();
    aligned = faces.map((f) => alignFaceTo(f.image, f.mtcnn, backbone!.cropTemplate).image);
  });

  it('declares the ArcFace 112 crop and 192-d embeddings', (t) => {
    if (skip) return t.skip(skip);
    assert.equal(backbone!.name, 'mobilefacenet');
    assert.equal(backbone!.inputSize, 112);
    assert.equal(backbone!.embeddingDim, 192);
    assert.deepEqual(backbone!.cropTemplate, arcfaceCropTemplate(112));
  });

  it('separates same from different people (every genuine cosine above every impostor one)', async (t) => {
    if (skip) return t.skip(skip);
    const out = await backbone!.embed(aligned);
    assert.equal(out.count, faces.length);
    assert.equal(out.dim, MOBILEFACENET_DIM);
    const { same: genuine, different: impostor } = pairCosines(out.mu, out.dim, faces.map((f) => f.person));
    assert.ok(genuine.length >= 6 && impostor.length >= 20);
    const minGenuine = Math.min(...genuine);
    const maxImpostor = Math.max(...impostor);
    assert.ok(minGenuine > maxImpostor, `lowest genuine cosine ${minGenuine.toFixed(3)} ≤ highest impostor ${maxImpostor.toFixed(3)}`);
  });

  it('as shipped (no repair) embeds every face to nearly the same vector', async (t) => {
    if (skip) return t.skip(skip);
    const broken = await loadMobileFaceNet({ repair: { unfuseDepthwiseRelu: false, negatePreluSlopes: false } });
    const out = await broken.embed(aligned);
    broken.dispose();
    const { same: genuine, different: impostor } = pairCosines(out.mu, out.dim, faces.map((f) => f.person));
    const minAll = Math.min(...genuine, ...impostor);
    assert.ok(minAll > 0.95, `lowest cosine of the unrepaired graph is ${minAll.toFixed(3)}`);
  });

  it('gives unit rows, features from the 7×7×512 map, and the same rows whatever the batch size', async (t) => {
    if (skip) return t.skip(skip);
    const tensorsBefore = tf.memory().numTensors;
    const out = await backbone!.embed(aligned, { convMap: true, batchSize: 3 });
    const one = await backbone!.embed([aligned[4]!]);
    assert.equal(tf.memory().numTensors, tensorsBefore, 'no tensor left behind');
    const C = MOBILEFACENET_CONV_CHANNELS;
    for (let i = 0; i < out.count; i++) {
      let norm = 0;
      for (let d = 0; d < out.dim; d++) norm += out.mu[i * out.dim + d]! ** 2;
      assert.ok(Math.abs(norm - 1) < 1e-5, `row ${i} norm² ${norm}`);
    }
    for (let d = 0; d < out.dim; d++) assert.ok(Math.abs(out.mu[4 * out.dim + d]! - one.mu[d]!) < 1e-5);
    const map = out.features.convMap!;
    assert.deepEqual([map.count, map.height, map.width, map.channels], [faces.length, 7, 7, C]);
    assert.equal(out.features.channels, C);
    assert.equal(out.features.pooledGlobal.length, faces.length * C);
    assert.equal(out.features.pooledGrid2x2.length, faces.length * 4 * C);
    // pooledGlobal is the mean of the map over its 49 positions (face 2, channel 7 as a spot check).
    let sum = 0;
    for (let p = 0; p < 49; p++) sum += map.data[(2 * 49 + p) * C + 7]!;
    assert.ok(Math.abs(out.features.pooledGlobal[2 * C + 7]! - sum / 49) < 1e-4);
    // PReLU output: not all non-negative (unlike faceres' ReLU6 map).
    assert.ok(map.data.some((v) => v < 0));
  });

  it('rejects a wrong input size and an empty list', async (t) => {
    if (skip) return t.skip(skip);
    await assertRejectsPfe(backbone!.embed([faces[0]!.image]), 'DIMENSION_MISMATCH', new RegExp(`${MOBILEFACENET_INPUT_SIZE}`));
    await assertRejectsPfe(backbone!.embed([]), 'EMPTY_INPUT');
  });
});
