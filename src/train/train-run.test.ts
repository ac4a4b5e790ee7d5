import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { isPfeError } from '../core/errors.js';
import { SeededRandom } from '../core/random.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { lossCurveCsv, lossCurveSvg } from './loss-curve.js';
import { IdentityBatchSampler, type SamplerData } from './sampler.js';
import { syntheticFeatures } from './synthetic.js';
import { DEFAULT_TRAIN_CONFIG, trainHead, type TrainConfig, type TrainState } from './train-run.js';

before(async () => {
  await tf.setBackend('cpu');
});

const config: TrainConfig = {
  ...DEFAULT_TRAIN_CONFIG,
  steps: 12,
  learningRates: [1e-2, 1e-3],
  learningRateBoundaries: [8],
  identitiesPerBatch: 8,
  samplesPerIdentity: 3,
  degradedPerIdentity: 0,
  hiddenDim: 8,
  outputDim: 8,
  seed: 9,
};

describe('trainHead', () => {
  it('is reproducible, and a run resumed from a checkpoint ends with the same weights', async () => {
    const { set } = syntheticFeatures(20, 4, 8, [0.1, 1], 1);
    const a = await trainHead(set, config);
    const b = await trainHead(set, config);
    assert.deepEqual(a.head.weights.w1, b.head.weights.w1);
    const dir = await mkdtemp(path.join(tmpdir(), 'pfe-ckpt-'));
    try {
      let saved: TrainState | undefined;
      await trainHead(set, { ...config }, {
        checkpointEvery: 5,
        onCheckpoint: async (s) => {
          if (s.step === 5) {
            await saveCheckpoint(dir, s, config);
            saved = s;
          }
        },
      });
      assert.equal(saved?.step, 5);
      const { state, config: savedConfig } = await loadCheckpoint(dir);
      assert.deepEqual(savedConfig, config);
      const resumed = await trainHead(set, config, { resume: state });
      assert.equal(resumed.curve.length, 12);
      for (const k of Object.keys(a.head.weights) as (keyof typeof a.head.weights)[]) assert.deepEqual(resumed.head.weights[k], a.head.weights[k], k);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const other = await trainHead(set, { ...config, seed: 10 });
    assert.notDeepEqual(other.head.weights.w1, a.head.weights.w1);
  });

  it('stops with a clear NON_FINITE error when the loss explodes', async () => {
    const { set } = syntheticFeatures(20, 4, 8, [0.1, 1], 1);
    await assert.rejects(
      trainHead(set, { ...config, steps: 200, learningRates: [50, 50] }),
      (e) => isPfeError(e, 'NON_FINITE') && /(diverged|exploded) at step \d+/.test(e.message) && /no model was written/.test(e.message),
    );
  });

  it('writes the loss curve as CSV and SVG', async () => {
    const { set } = syntheticFeatures(20, 4, 8, [0.1, 1], 1);
    const { curve } = await trainHead(set, config);
    const csv = lossCurveCsv(curve).trim().split('\n');
    assert.equal(csv.length, 13);
    assert.equal(csv[0], 'step,learningRate,totalLoss,genuineLoss,impostorLoss,meanSigmaSq,seconds');
    assert.equal(csv[9]!.split(',')[1], '0.001', 'the learning rate drops at step 8 (0-based), row of step 9');
    assert.match(lossCurveSvg(curve, 'test'), /^<svg[\s\S]*<\/svg>\s*$/);
  });
});

describe('IdentityBatchSampler', () => {
  // 4 identities: 5, 3, 2 and 1 image(s); every image has two degraded copies.
  const images = [5, 3, 2, 1];
  const imagesOfIdentity: Int32Array[] = [];
  let next = 0;
  for (const n of images) imagesOfIdentity.push(Int32Array.from({ length: n }, () => next++));
  const cleanRow = Int32Array.from({ length: next }, (_, i) => i);
  const degradedRows = Array.from({ length: next }, (_, i) => Int32Array.of(100 + 2 * i, 101 + 2 * i));
  const data: SamplerData = { imagesOfIdentity, cleanRow, degradedRows };

  it('mixed: K−m distinct clean images and m degraded copies of the same identity', () => {
    const s = new IdentityBatchSampler(data, { identitiesPerBatch: 2, samplesPerIdentity: 4, degradedPerIdentity: 1, mode: 'mixed' });
    assert.deepEqual([...s.eligible], [0, 1], 'identities with ≥ 3 images');
    const rng = new SeededRandom(1);
    for (let t = 0; t < 50; t++) {
      const { rows, labels } = s.sample(rng);
      assert.equal(rows.length, 8);
      for (let p = 0; p < 2; p++) {
        const id = labels[4 * p]!;
        const clean = [...rows.subarray(4 * p, 4 * p + 3)];
        assert.equal(new Set(clean).size, 3, 'clean images are distinct');
        for (const r of clean) assert.ok(imagesOfIdentity[id]!.includes(r));
        const copy = rows[4 * p + 3]!;
        assert.ok(copy >= 100 && imagesOfIdentity[id]!.includes(Math.floor((copy - 100) / 2)), 'the degraded copy belongs to the identity');
      }
    }
  });

  it('pooled: K distinct samples from clean and degraded rows; too few identities is an error', () => {
    const s = new IdentityBatchSampler(data, { identitiesPerBatch: 4, samplesPerIdentity: 3, degradedPerIdentity: 0, mode: 'pooled' });
    assert.equal(s.eligible.length, 4, 'a single image with two copies fills 3 samples');
    const { rows } = s.sample(new SeededRandom(2));
    assert.equal(new Set(rows).size, 12);
    assert.throws(() => new IdentityBatchSampler(data, { identitiesPerBatch: 3, samplesPerIdentity: 4, degradedPerIdentity: 0, mode: 'mixed' }), (e) => isPfeError(e, 'INVALID_ARGUMENT'));
  });
});
