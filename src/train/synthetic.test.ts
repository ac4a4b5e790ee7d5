import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { uncertaintyScores } from '../core/uncertainty.js';
import { applyHead } from '../head/head-inference.js';
import { spearman } from './rank-correlation.js';
import { syntheticFeatures } from './synthetic.js';
import { DEFAULT_TRAIN_CONFIG, trainHead, type TrainConfig } from './train-run.js';

before(async () => {
  await tf.setBackend('cpu');
});

const DIM = 16;
const config: TrainConfig = {
  ...DEFAULT_TRAIN_CONFIG,
  steps: 400,
  learningRates: [1e-2],
  learningRateBoundaries: [],
  identitiesPerBatch: 16,
  samplesPerIdentity: 4,
  degradedPerIdentity: 0,
  hiddenDim: 32,
  outputDim: 16,
  centreMu: false,
  seed: 3,
};

describe('MLS training on synthetic features with known noise', () => {
  it('learns σ² whose harmonic mean ranks unseen samples by their true noise (Spearman ≥ 0.9)', async () => {
    const train = syntheticFeatures(120, 6, DIM, [0.05, 1], 1);
    const { head, curve } = await trainHead(train.set, config);
    assert.ok(curve.at(-1)!.genuineLoss < curve[0]!.genuineLoss, 'the loss must fall');
    // Fresh identities and samples: the head must generalise, not memorise.
    const test = syntheticFeatures(40, 5, DIM, [0.05, 1], 2);
    const out = applyHead(head, test.set.mu, test.set.features);
    const uncertainty = Array.from(uncertaintyScores(out));
    const rho = spearman(uncertainty, test.noise);
    assert.ok(rho >= 0.9, `Spearman(harmonic-mean σ², true noise) = ${rho.toFixed(3)}`);
  });

  it('gives a head whose σ² does not track the noise when trained on noise-free identities only (control)', async () => {
    // All training samples share one noise level, so nothing ties σ² to t: ρ must be far from the trained case.
    const train = syntheticFeatures(120, 6, DIM, [0.5, 0.5], 1);
    const { head } = await trainHead(train.set, { ...config, steps: 100 });
    const test = syntheticFeatures(40, 5, DIM, [0.05, 1], 2);
    const out = applyHead(head, test.set.mu, test.set.features);
    const uncertainty = Array.from(uncertaintyScores(out));
    assert.ok(!(spearman(uncertainty, test.noise) >= 0.9), 'without varying noise in training the head cannot have learned the noise ranking');
  });
});
