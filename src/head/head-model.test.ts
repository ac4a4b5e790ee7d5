import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { isPfeError } from '../core/errors.js';
import { SeededRandom } from '../core/random.js';
import { BN_EPSILON, type HeadArchitecture, type UncertaintyHead } from './head-model.js';
import { applyHead, predictCompactSigmaSq } from './head-inference.js';
import { headForwardReference, sigmaSqFromZ, toParams64 } from './head-reference.js';
import { decodeHead, encodeHead } from './model-format.js';

before(async () => {
  await tf.setBackend('cpu');
});

function randomHead(a: HeadArchitecture, seed: number): UncertaintyHead {
  const rng = new SeededRandom(seed);
  const arr = (n: number, scale: number, offset = 0): Float32Array => Float32Array.from({ length: n }, () => offset + scale * rng.nextGaussian());
  const pos = (n: number): Float32Array => Float32Array.from({ length: n }, () => 0.5 + rng.nextFloat());
  return {
    architecture: a,
    backbone: 'test',
    training: { note: 'random weights for tests', steps: 0 },
    weights: {
      inputMean: arr(a.inputDim, 0.1),
      inputScale: Float32Array.of(1.7),
      w1: arr(a.inputDim * a.hiddenDim, 0.4),
      bn1Gamma: arr(a.hiddenDim, 0.2, 1),
      bn1Beta: arr(a.hiddenDim, 0.2),
      bn1MovingMean: arr(a.hiddenDim, 0.3),
      bn1MovingVar: pos(a.hiddenDim),
      w2: arr(a.hiddenDim * a.outputDim, 0.4),
      bn2MovingMean: arr(a.outputDim, 0.3),
      bn2MovingVar: pos(a.outputDim),
      sigmaGamma: Float32Array.of(0.6),
      sigmaBeta: Float32Array.of(-3),
      muMean: arr(a.muDim, 0.05),
    },
  };
}

const SCALAR: HeadArchitecture = { inputKind: 'pooled_global', inputDim: 7, hiddenDim: 5, outputDim: 3, muDim: 4, sigmaMode: 'scalar', bnEpsilon: BN_EPSILON };
const PER_DIM: HeadArchitecture = { ...SCALAR, sigmaMode: 'per-dimension', outputDim: 4 };

describe('head inference (tfjs)', () => {
  for (const a of [SCALAR, PER_DIM]) {
    it(`matches the float64 reference forward with moving statistics (${a.sigmaMode})`, () => {
      const head = randomHead(a, 1);
      const rng = new SeededRandom(2);
      const n = 6;
      const features = Float32Array.from({ length: n * a.inputDim }, () => rng.nextGaussian());
      const got = predictCompactSigmaSq(head, features);
      const x = new Float64Array(features.length);
      for (let k = 0; k < x.length; k++) x[k] = (features[k]! - head.weights.inputMean[k % a.inputDim]!) * head.weights.inputScale[0]!;
      const want = headForwardReference(a, toParams64(head.weights), x, n, false).map(sigmaSqFromZ);
      assert.equal(got.length, want.length);
      for (let k = 0; k < want.length; k++) assert.ok(Math.abs(got[k]! - want[k]!) <= 1e-4 * want[k]!, `σ²[${k}] ${got[k]} vs ${want[k]}`);
      // Rows are independent at inference (no batch statistics): one row alone gives the same σ².
      const single = predictCompactSigmaSq(head, features.subarray(0, a.inputDim));
      assert.ok(Math.abs(single[0]! - got[0]!) <= 1e-6 * got[0]!);
    });
  }

  it('applyHead centres mu with the stored mean and expands scalar σ² to N×D', () => {
    const head = randomHead(SCALAR, 3);
    const mu = Float32Array.from([1, 0, 0, 0, 0, 1, 0, 0]);
    const features = new Float32Array(2 * SCALAR.inputDim).fill(0.5);
    const e = applyHead(head, mu, features);
    assert.equal(e.sigmaSq.length, 8);
    assert.equal(e.sigmaSq[0], e.sigmaSq[3]);
    let norm = 0;
    for (let l = 0; l < 4; l++) norm += e.mu[l]! ** 2;
    assert.ok(Math.abs(norm - 1) < 1e-6);
    assert.ok(Math.abs(e.mu[1]! - -head.weights.muMean[1]! / Math.sqrt((1 - head.weights.muMean[0]!) ** 2 + head.weights.muMean[1]! ** 2 + head.weights.muMean[2]! ** 2 + head.weights.muMean[3]! ** 2)) < 1e-6);
  });

  it('rejects features of the wrong width', () => {
    assert.throws(() => predictCompactSigmaSq(randomHead(SCALAR, 4), new Float32Array(10)), (e) => isPfeError(e, 'DIMENSION_MISMATCH'));
  });
});

describe('.pfehead format', () => {
  it('round-trips every weight and the header exactly', () => {
    const head = randomHead(PER_DIM, 5);
    const bytes = encodeHead(head);
    assert.equal(String.fromCharCode(...bytes.subarray(0, 8)), 'PFEHEAD1');
    const back = decodeHead(bytes);
    assert.deepEqual(back.architecture, head.architecture);
    assert.deepEqual(back.training, head.training);
    assert.equal(back.backbone, 'test');
    for (const [k, v] of Object.entries(head.weights)) assert.deepEqual(back.weights[k as keyof typeof head.weights], v, k);
  });

  it('rejects bad magic, truncation, trailing bytes and a shape that disagrees with the architecture', () => {
    const bytes = encodeHead(randomHead(SCALAR, 6));
    const badMagic = bytes.slice();
    badMagic[0] = 0x58;
    assert.throws(() => decodeHead(badMagic), (e) => isPfeError(e, 'INVALID_FORMAT') && /magic/.test(e.message));
    assert.throws(() => decodeHead(bytes.subarray(0, bytes.length - 4)), (e) => isPfeError(e, 'INVALID_FORMAT') && /past the end/.test(e.message));
    const longer = new Uint8Array(bytes.length + 4);
    longer.set(bytes);
    assert.throws(() => decodeHead(longer), (e) => isPfeError(e, 'INVALID_FORMAT') && /follow the last tensor/.test(e.message));
    const text = new TextDecoder().decode(bytes.subarray(12, 12 + new DataView(bytes.buffer).getUint32(8, true)));
    const tampered = text.replace('"hiddenDim":5', '"hiddenDim":6');
    assert.notEqual(tampered, text);
    const copy = bytes.slice();
    copy.set(new TextEncoder().encode(tampered), 12);
    assert.throws(() => decodeHead(copy), (e) => isPfeError(e, 'INVALID_FORMAT') && /shape/.test(e.message));
  });

  it('refuses to write a head with a non-finite weight', () => {
    const head = randomHead(SCALAR, 7);
    head.weights.w2[3] = Number.NaN;
    assert.throws(() => encodeHead(head), (e) => isPfeError(e, 'NON_FINITE'));
  });
});
