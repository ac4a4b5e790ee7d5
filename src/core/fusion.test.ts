import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gaussianBatch, gaussianBatchFromRows, embeddingAt } from './embedding.js';
import { fuseEmbeddings, fuseGroups, FUSION_RULES } from './fusion.js';
import { SeededRandom } from './random.js';

function normalDensity(z: number, m: number, v: number): number {
  return Math.exp((-0.5 * (z - m) * (z - m)) / v) / Math.sqrt(2 * Math.PI * v);
}

function randomBatch(count: number, dim: number, seed: number) {
  const random = new SeededRandom(seed);
  const mu = new Float32Array(count * dim).map(() => random.nextGaussian() * 0.2);
  const sigmaSq = new Float32Array(count * dim).map(() => Math.exp(-7 + 5 * random.nextFloat()));
  return gaussianBatch(mu, sigmaSq, dim);
}

describe('fuseEmbeddings', () => {
  it("product rule: the normalised product of the densities is N(z; μ̂, ŝ) (D = 1, on a grid)", () => {
    const mus = [0.5, -0.25, 1.5];
    const variances = [0.25, 1, 0.5];
    const fused = fuseEmbeddings(gaussianBatchFromRows(mus.map((m) => [m]), variances), 'product');
    const lo = -8;
    const hi = 8;
    const n = 16000;
    const h = (hi - lo) / n;
    const product = (z: number) => mus.reduce((p, m, i) => p * normalDensity(z, m, variances[i]!), 1);
    let mass = 0;
    for (let i = 0; i <= n; i++) mass += ((i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2) * h * product(lo + i * h)) / 3;
    const muHat = fused.mu[0]!;
    const sHat = fused.sigmaSq[0]!;
    let worst = 0;
    let peak = 0;
    for (let i = 0; i <= n; i += 10) {
      const z = lo + i * h;
      const expected = normalDensity(z, muHat, sHat);
      peak = Math.max(peak, expected);
      worst = Math.max(worst, Math.abs(product(z) / mass - expected));
    }
    // μ̂, ŝ are stored as float32 (relative rounding ~6e-8), hence 1e-6 of the peak.
    assert.ok(worst < 1e-6 * peak, `max density difference ${worst} (peak ${peak})`);
    // and the closed form itself: 1/ŝ = Σ 1/s_i
    assert.ok(Math.abs(sHat - 1 / (4 + 1 + 2)) < 1e-7);
  });

  it("min rule: precision-weighted mean, L2-normalised, and the smallest variance per dimension", () => {
    const batch = gaussianBatchFromRows([[1, 0], [0, 1]], [[0.1, 0.4], [0.3, 0.2]]);
    const fused = fuseEmbeddings(batch); // default rule is 'min'
    // dim 0: weights (10, 3.33)/13.33 -> 0.75·1 ; dim 1: weights (2.5, 5)/7.5 -> 0.6667·1
    const raw = [0.75, 2 / 3];
    const norm = Math.hypot(raw[0]!, raw[1]!);
    assert.ok(Math.abs(fused.mu[0]! - raw[0]! / norm) < 1e-6);
    assert.ok(Math.abs(fused.mu[1]! - raw[1]! / norm) < 1e-6);
    assert.deepEqual(Array.from(fused.sigmaSq), [Math.fround(0.1), Math.fround(0.2)]);
  });

  it("min and product rules share the direction of the mean; only min normalises it", () => {
    const batch = randomBatch(5, 40, 3);
    const product = fuseEmbeddings(batch, 'product');
    const min = fuseEmbeddings(batch, 'min');
    const norm = Math.hypot(...product.mu);
    for (let l = 0; l < 40; l++) assert.ok(Math.abs(min.mu[l]! - product.mu[l]! / norm) < 1e-6);
    for (let l = 0; l < 40; l++) assert.ok(product.sigmaSq[l]! <= min.sigmaSq[l]!, 'the product rule is the more confident');
  });

  it('mean rule: plain average of μ and Σ s_i / n², never below the product rule', () => {
    const batch = gaussianBatchFromRows([[1, 2], [3, -2]], [[0.5, 1], [1.5, 1]]);
    const fused = fuseEmbeddings(batch, 'mean');
    assert.deepEqual(Array.from(fused.mu), [2, 0]);
    assert.deepEqual(Array.from(fused.sigmaSq), [0.5, 0.5]);
    const product = fuseEmbeddings(batch, 'product');
    for (let l = 0; l < 2; l++) assert.ok(fused.sigmaSq[l]! >= product.sigmaSq[l]!);
  });

  it('one embedding fuses to itself under product and mean', () => {
    const batch = randomBatch(1, 16, 8);
    for (const rule of ['product', 'mean'] as const) {
      const fused = fuseEmbeddings(batch, rule);
      assert.deepEqual(Array.from(fused.mu), Array.from(batch.mu), rule);
      assert.deepEqual(Array.from(fused.sigmaSq), Array.from(batch.sigmaSq), rule);
    }
  });

  it('keeps tiny fused variances positive in float32', () => {
    const batch = gaussianBatchFromRows([[0], [0], [0]], [1e-45, 1e-45, 1e-45]);
    for (const rule of FUSION_RULES) assert.ok(fuseEmbeddings(batch, rule).sigmaSq[0]! > 0, rule);
  });
});

describe('fuseGroups', () => {
  it('fuses each index list like fuseEmbeddings on those rows, into a supplied batch', () => {
    const batch = randomBatch(7, 24, 5);
    const groups = [[0, 3, 4], [6], [1, 2, 5, 0]];
    for (const rule of FUSION_RULES) {
      const out = { count: 3, dim: 24, mu: new Float32Array(72), sigmaSq: new Float32Array(72) };
      const fused = fuseGroups(batch, groups.map((g) => Int32Array.from(g)), rule, out);
      assert.equal(fused, out);
      groups.forEach((group, g) => {
        const rows = group.map((i) => embeddingAt(batch, i));
        const members = gaussianBatchFromRows(rows.map((r) => Array.from(r.mu)), rows.map((r) => Array.from(r.sigmaSq)));
        const single = fuseEmbeddings(members, rule);
        assert.deepEqual(Array.from(fused.mu.subarray(g * 24, (g + 1) * 24)), Array.from(single.mu), `${rule} group ${g}`);
        assert.deepEqual(Array.from(fused.sigmaSq.subarray(g * 24, (g + 1) * 24)), Array.from(single.sigmaSq), `${rule} group ${g}`);
      });
    }
  });

  it('rejects empty groups, bad indices, a wrong output shape and unknown rules', () => {
    const batch = randomBatch(3, 4, 1);
    assert.throws(() => fuseGroups(batch, []), { code: 'EMPTY_INPUT' });
    assert.throws(() => fuseGroups(batch, [[0], []]), { code: 'EMPTY_INPUT' });
    assert.throws(() => fuseGroups(batch, [[0, 3]]), { code: 'INDEX_OUT_OF_RANGE' });
    assert.throws(() => fuseGroups(batch, [[0, 1.5]]), { code: 'INDEX_OUT_OF_RANGE' });
    assert.throws(() => fuseGroups(batch, [[0]], 'min', randomBatch(2, 4, 2)), { code: 'DIMENSION_MISMATCH' });
    assert.throws(() => fuseEmbeddings(batch, 'median' as 'min'), { code: 'INVALID_ARGUMENT' });
  });
});
