import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { SeededRandom } from '../core/random.js';
import { BN_EPSILON, type HeadArchitecture, type HeadWeights, type SigmaMode } from '../head/head-model.js';
import { headForwardReference, sigmaSqFromZ, toParams64 } from '../head/head-reference.js';
import { HeadTrainer, TRAINABLE_NAMES, type TrainableName } from './head-trainer.js';
import { batchPairs, mlsLoss } from './mls-loss.js';
import { verificationLoss } from './verification-loss.js';

before(async () => {
  await tf.setBackend('cpu');
});

const B = 8;
const labels = Int32Array.from([0, 0, 0, 1, 1, 2, 2, 2]);

function randomArray(rng: SeededRandom, n: number, scale: number, offset = 0): Float32Array {
  return Float32Array.from({ length: n }, () => offset + scale * rng.nextGaussian());
}

/** Weights away from the reference initialisation (γ = 1e-4 would make the FC gradients vanish). */
function testWeights(a: HeadArchitecture, rng: SeededRandom): HeadWeights {
  return {
    inputMean: new Float32Array(a.inputDim),
    inputScale: Float32Array.of(1),
    w1: randomArray(rng, a.inputDim * a.hiddenDim, 0.5),
    bn1Gamma: randomArray(rng, a.hiddenDim, 0.3, 1),
    bn1Beta: randomArray(rng, a.hiddenDim, 0.3),
    bn1MovingMean: new Float32Array(a.hiddenDim),
    bn1MovingVar: new Float32Array(a.hiddenDim).fill(1),
    w2: randomArray(rng, a.hiddenDim * a.outputDim, 0.5),
    bn2MovingMean: new Float32Array(a.outputDim),
    bn2MovingVar: new Float32Array(a.outputDim).fill(1),
    sigmaGamma: Float32Array.of(0.4),
    sigmaBeta: Float32Array.of(-1.5),
    muMean: new Float32Array(a.muDim),
  };
}

function unitRows(rng: SeededRandom, n: number, d: number): Float32Array {
  const m = randomArray(rng, n * d, 1);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let l = 0; l < d; l++) s += m[i * d + l]! ** 2;
    for (let l = 0; l < d; l++) m[i * d + l]! /= Math.sqrt(s);
  }
  return m;
}

/** The loss of the float64 reference forward: what the analytic gradient must differentiate. */
function referenceLoss(a: HeadArchitecture, w: HeadWeights, x: Float32Array, mu: Float32Array, wd: number, impostorWeight: number, verificationWeight: number): (p: Record<TrainableName, Float64Array>) => number {
  const pairs = batchPairs(labels);
  const base = toParams64(w);
  return (p) => {
    const z = headForwardReference(a, { ...base, ...p }, Float64Array.from(x), B, true);
    const sigmaSq = z.map(sigmaSqFromZ);
    const loss = mlsLoss({ mu, dim: a.muDim, sigmaSq, genuine: pairs.genuine, impostor: pairs.impostor, impostorWeight }).loss;
    const verification = verificationWeight > 0 ? verificationWeight * verificationLoss({ mu, dim: a.muDim, sigmaSq, genuine: pairs.genuine, impostor: pairs.impostor, temperatureFraction: 0.1 }).loss : 0;
    let decay = 0;
    for (const v of p.w1) decay += v * v;
    for (const v of p.w2) decay += v * v;
    return loss + verification + 0.5 * wd * decay;
  };
}

function gradientCheck(sigmaMode: SigmaMode, impostorWeight: number, verificationWeight = 0): void {
  const a: HeadArchitecture = { inputKind: 'mu', inputDim: 5, hiddenDim: 6, outputDim: 4, muDim: 4, sigmaMode, bnEpsilon: BN_EPSILON };
  const rng = new SeededRandom(sigmaMode === 'scalar' ? 11 : 12);
  const w = testWeights(a, rng);
  const x = randomArray(rng, B * a.inputDim, 1);
  const mu = unitRows(rng, B, a.muDim);
  const wd = 0.01;
  const trainer = new HeadTrainer(a, w, { momentum: 0.9, weightDecay: wd, bnDecay: 0.995, impostorWeight, verificationWeight, verificationTemperature: 0.1 });
  const { grads, result } = trainer.gradients(x, mu, labels);
  trainer.dispose();
  const f = referenceLoss(a, w, x, mu, wd, impostorWeight, verificationWeight);
  const params = {} as Record<TrainableName, Float64Array>;
  for (const n of TRAINABLE_NAMES) params[n] = Float64Array.from(w[n]);
  assert.ok(Math.abs(f(params) - result.totalLoss) < 1e-4 * (1 + Math.abs(result.totalLoss)), `loss ${result.totalLoss} vs reference ${f(params)}`);
  const h = 1e-5;
  for (const name of TRAINABLE_NAMES) {
    const analytic = grads[name];
    let maxFd = 0;
    const fd = new Float64Array(analytic.length);
    for (let k = 0; k < analytic.length; k++) {
      const orig = params[name][k]!;
      params[name][k] = orig + h;
      const up = f(params);
      params[name][k] = orig - h;
      const down = f(params);
      params[name][k] = orig;
      fd[k] = (up - down) / (2 * h);
      maxFd = Math.max(maxFd, Math.abs(fd[k]!));
    }
    assert.ok(maxFd > 1e-3, `${name}: the finite-difference gradient is ~0, the check would be vacuous`);
    for (let k = 0; k < analytic.length; k++) {
      const err = Math.abs(analytic[k]! - fd[k]!);
      assert.ok(err <= 2e-3 * maxFd + 1e-4 * Math.abs(fd[k]!), `${sigmaMode} ${name}[${k}]: analytic ${analytic[k]} vs finite difference ${fd[k]}`);
    }
  }
}

describe('HeadTrainer gradients', () => {
  it('match finite differences of the float64 reference (scalar σ²)', () => gradientCheck('scalar', 0));
  it('match finite differences of the float64 reference (per-dimension σ²)', () => gradientCheck('per-dimension', 0));
  it('match finite differences with the impostor term on', () => gradientCheck('scalar', 0.5));
  it('match finite differences with the verification loss on (scalar and per-dimension σ²)', () => {
    gradientCheck('scalar', 0, 3);
    gradientCheck('per-dimension', 0, 3);
  });
});

describe('HeadTrainer.step', () => {
  it('lowers the loss on a fixed batch and stops with NON_FINITE on an infinite input', () => {
    const a: HeadArchitecture = { inputKind: 'mu', inputDim: 5, hiddenDim: 6, outputDim: 4, muDim: 4, sigmaMode: 'scalar', bnEpsilon: BN_EPSILON };
    const rng = new SeededRandom(5);
    const w = testWeights(a, rng);
    const x = randomArray(rng, B * a.inputDim, 1);
    const mu = unitRows(rng, B, a.muDim);
    const trainer = new HeadTrainer(a, w);
    const first = trainer.step(x, mu, labels, 1e-2).totalLoss;
    let last = first;
    for (let k = 0; k < 30; k++) last = trainer.step(x, mu, labels, 1e-2).totalLoss;
    assert.ok(last < first - 0.1, `loss ${first} → ${last}`);
    const before = trainer.weights();
    const bad = x.slice();
    bad[3] = Number.POSITIVE_INFINITY;
    assert.throws(() => trainer.step(bad, mu, labels, 1e-2), /NON_FINITE|not finite|is NaN|Infinity/);
    assert.deepEqual(trainer.weights().w1, before.w1, 'a failed step must not change the weights');
    trainer.dispose();
  });
});
