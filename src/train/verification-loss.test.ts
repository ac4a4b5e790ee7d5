import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PfeError } from '../core/errors.js';
import { SeededRandom } from '../core/random.js';
import { batchPairs } from './mls-loss.js';
import { verificationLoss, type VerificationLossInput } from './verification-loss.js';

function unitRows(rng: SeededRandom, n: number, d: number): Float32Array {
  const m = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let l = 0; l < d; l++) s += (m[i * d + l] = rng.nextGaussian()) ** 2;
    for (let l = 0; l < d; l++) m[i * d + l]! /= Math.sqrt(s);
  }
  return m;
}

function checkGradient(input: VerificationLossInput): void {
  const grad = new Float64Array(input.sigmaSq.length);
  verificationLoss(input, grad, 2);
  const s = Float64Array.from(input.sigmaSq);
  let maxFd = 0;
  for (let k = 0; k < s.length; k++) {
    const h = 1e-6 * s[k]!;
    const orig = s[k]!;
    s[k] = orig + h;
    const up = verificationLoss({ ...input, sigmaSq: s }).loss;
    s[k] = orig - h;
    const down = verificationLoss({ ...input, sigmaSq: s }).loss;
    s[k] = orig;
    const fd = (2 * (up - down)) / (2 * h);
    maxFd = Math.max(maxFd, Math.abs(fd));
    assert.ok(Math.abs(fd - grad[k]!) <= 1e-4 * Math.abs(fd) + 1e-6 * maxFd + 1e-9, `σ²[${k}]: analytic ${grad[k]} vs finite difference ${fd}`);
  }
  assert.ok(maxFd > 0, 'the check would be vacuous');
}

describe('verificationLoss', () => {
  const labels = Int32Array.from([0, 0, 1, 1, 2, 2, 3, 3]);
  const pairs = batchPairs(labels);

  it('has the gradient of its value, with the temperature free and clamped at 1 nat (scalar and per-dimension σ²)', () => {
    const rng = new SeededRandom(3);
    const dim = 16;
    const mu = unitRows(rng, labels.length, dim);
    const scalar = Float64Array.from(labels, () => 0.05 + 0.1 * rng.nextFloat());
    const perDim = Float64Array.from({ length: labels.length * dim }, () => 0.05 + 0.1 * rng.nextFloat());
    for (const [sigmaSq, fraction] of [
      [scalar, 0.3],
      [scalar, 1e-3],
      [perDim, 0.3],
    ] as const) {
      checkGradient({ mu, dim, sigmaSq, genuine: pairs.genuine, impostor: pairs.impostor, temperatureFraction: fraction });
    }
  });

  it('charges an impostor pair of two uncertain-looking but close images, and raising their σ² lowers the charge', () => {
    // Rows 0/1 genuine (clean, far apart), rows 2..7 impostors; rows 4 and 6 are degraded lookalikes (very close mu).
    const dim = 8;
    const mu = new Float32Array(labels.length * dim);
    const put = (row: number, v: number[]): void => {
      const n = Math.hypot(...v);
      v.forEach((x, l) => (mu[row * dim + l] = x / n));
    };
    put(0, [1, 0.3, 0, 0, 0, 0, 0, 0]);
    put(1, [1, -0.3, 0, 0, 0, 0, 0, 0]);
    put(2, [0, 0, 1, 0, 0, 0, 0, 0]);
    put(3, [0, 0, 1, 0.2, 0, 0, 0, 0]);
    put(4, [0, 0, 0, 0, 1, 0, 0, 0]);
    put(5, [0, 0, 0, 0, 1, 0.2, 0, 0]);
    put(6, [0, 0, 0, 0, 1, 0.05, 0, 0]); // different person, almost the same mu as row 4
    put(7, [0, 0, 0, 0, 0, 0, 0, 1]);
    const base = new Float64Array(labels.length).fill(0.05);
    const input = { mu, dim, genuine: pairs.genuine, impostor: pairs.impostor, temperatureFraction: 0.1 };
    const before = verificationLoss({ ...input, sigmaSq: base });
    assert.ok(before.activeImpostorShare > 0, 'the lookalike impostor pair is active');
    const grad = new Float64Array(labels.length);
    verificationLoss({ ...input, sigmaSq: base }, grad);
    assert.ok(grad[6]! < 0, `the loss falls when the lookalike's σ² rises (∂loss/∂σ²₆ = ${grad[6]})`);
  });

  it('rejects a batch without impostors and a non-positive temperature', () => {
    const mu = new Float32Array([1, 0, 0, 1]);
    const one = batchPairs(Int32Array.from([0, 0]));
    assert.throws(() => verificationLoss({ mu, dim: 2, sigmaSq: Float64Array.of(1, 1), genuine: one.genuine, impostor: one.impostor, temperatureFraction: 0.1 }), (e: unknown) => e instanceof PfeError && e.code === 'EMPTY_INPUT');
    const two = batchPairs(Int32Array.from([0, 0, 1, 1]));
    const mu4 = new Float32Array([1, 0, 1, 0, 0, 1, 0, 1]);
    assert.throws(() => verificationLoss({ mu: mu4, dim: 2, sigmaSq: Float64Array.of(1, 1, 1, 1), genuine: two.genuine, impostor: two.impostor, temperatureFraction: 0 }), (e: unknown) => e instanceof PfeError && e.code === 'INVALID_ARGUMENT');
  });
});
