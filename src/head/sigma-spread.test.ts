import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PfeError } from '../core/errors.js';
import { SeededRandom } from '../core/random.js';
import { initialHeadWeights } from '../train/head-trainer.js';
import { BN_EPSILON, SIGMA_SQ_FLOOR, type HeadArchitecture, type UncertaintyHead } from './head-model.js';
import { headForwardReference, toParams64 } from './head-reference.js';
import { spreadSigma } from './sigma-spread.js';

const arch: HeadArchitecture = { inputKind: 'mu', inputDim: 4, hiddenDim: 5, outputDim: 3, muDim: 4, sigmaMode: 'scalar', bnEpsilon: BN_EPSILON };

function head(): UncertaintyHead {
  const w = initialHeadWeights(arch, new SeededRandom(2), { inputMean: new Float32Array(4), inputScale: Float32Array.of(1), muMean: new Float32Array(4) });
  // A γ large enough for σ² to vary visibly across inputs.
  return { architecture: arch, weights: { ...w, sigmaGamma: Float32Array.of(0.8), sigmaBeta: Float32Array.of(-6) }, backbone: 'test', training: {} };
}

function sigmaSq(h: UncertaintyHead, x: Float64Array): number[] {
  const z = headForwardReference(arch, toParams64(h.weights), x, x.length / 4, false);
  return Array.from(z, (v) => SIGMA_SQ_FLOOR + Math.exp(v));
}

describe('spreadSigma', () => {
  it('maps σ² to m·(σ²/m)^k (up to the floor), keeps m fixed and records itself', () => {
    const rng = new SeededRandom(5);
    const x = Float64Array.from({ length: 4 * 6 }, () => rng.nextGaussian());
    const h = head();
    const before = sigmaSq(h, x);
    const m = 2.5e-3;
    const spread = spreadSigma(h, 3, m);
    const after = sigmaSq(spread, x);
    before.forEach((s, i) => {
      const expected = m * ((s - SIGMA_SQ_FLOOR) / m) ** 3 + SIGMA_SQ_FLOOR;
      assert.ok(Math.abs(after[i]! - expected) <= 1e-4 * expected, `row ${i}: ${after[i]} vs ${expected}`);
    });
    assert.ok(Math.max(...after) / Math.min(...after) > Math.max(...before) / Math.min(...before), 'the range widens');
    assert.deepEqual(sigmaSq(spreadSigma(h, 1, m), x), before);
    assert.equal((spread.training['sigmaSpread'] as { power: number }).power, 3);
  });

  it('rejects a power below 1 and a non-positive reference', () => {
    for (const [k, m] of [[0.5, 1e-3], [2, 0], [Number.NaN, 1e-3], [2, Number.POSITIVE_INFINITY]] as const) {
      assert.throws(() => spreadSigma(head(), k, m), (e: unknown) => e instanceof PfeError && e.code === 'INVALID_ARGUMENT');
    }
  });
});
