import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../random.js';
import { logBlockSize, MAX_LOG_BLOCK } from './block-log.js';
import { mlsSumKernel } from './mls-sum.js';
import { mlsSumPerElementLogKernel } from './mls-sum-per-element.js';
import { penaltySumKernel } from './penalty-sum.js';
import { mlsReferenceMatrix } from '../mls.js';
import { gaussianBatch } from '../embedding.js';

/** Seeded uniform(0,1) stream, so the data is reproducible. */
function uniform(seed: number): () => number {
  const random = new SeededRandom(seed);
  return () => random.nextFloat();
}

/** Row pairs with variances drawn from `pick`, D values each. */
function rows(dim: number, seed: number, pick: (u: number, l: number) => number) {
  const next = uniform(seed);
  const muA = new Float32Array(dim);
  const muB = new Float32Array(dim);
  const sA = new Float32Array(dim);
  const sB = new Float32Array(dim);
  for (let l = 0; l < dim; l++) {
    muA[l] = next() - 0.5;
    muB[l] = next() - 0.5;
    sA[l] = pick(next(), l);
    sB[l] = pick(next(), l);
  }
  return { muA, muB, sA, sB };
}

function sumOfAbsLogs(sA: Float32Array, sB: Float32Array): number {
  let total = 0;
  for (let l = 0; l < sA.length; l++) total += Math.abs(Math.log(sA[l]! + sB[l]!));
  return total;
}

/** Sets of variances: typical, the brief's extremes (1e-6, 1e3, mixed) and float32's limits. */
const VARIANCE_SETS: Record<string, (u: number, l: number) => number> = {
  typical: (u) => Math.exp(-9 + 6 * u),
  'all 1e-6': () => 1e-6,
  'all 1e3': () => 1e3,
  'mixed 1e-6 / 1e3': (u) => (u < 0.5 ? 1e-6 : 1e3),
  'alternating 1e-6 / 1e3': (_u, l) => (l % 2 === 0 ? 1e-6 : 1e3),
  'float32 tiny (subnormal 1e-44 .. 1e-38)': (u) => Math.exp(Math.log(1e-44) + u * Math.log(1e6)),
  'float32 huge (1e35 .. 3e38)': (u) => Math.exp(Math.log(1e35) + u * Math.log(3e3)),
  'tiny and huge mixed': (u) => (u < 0.5 ? 1e-40 : 1e37),
};

describe('block-log trick', () => {
  for (const [label, pick] of Object.entries(VARIANCE_SETS)) {
    it(`equals the per-element log within 1e-9 relative: ${label}`, () => {
      for (const dim of [1, 7, 31, 32, 33, 512, 1024]) {
        const { muA, muB, sA, sB } = rows(dim, dim * 13 + label.length, pick);
        let minSum = Infinity;
        let maxSum = 0;
        for (let l = 0; l < dim; l++) {
          minSum = Math.min(minSum, sA[l]! + sB[l]!);
          maxSum = Math.max(maxSum, sA[l]! + sB[l]!);
        }
        const blockSize = logBlockSize(minSum, maxSum);
        const fast = mlsSumKernel(muA, sA, 0, muB, sB, 0, dim, blockSize);
        const exact = mlsSumPerElementLogKernel(muA, sA, 0, muB, sB, 0, dim);
        // Relative to the size of the log terms (the sum itself can cancel to ~0).
        const scale = Math.max(Math.abs(exact), sumOfAbsLogs(sA, sB));
        assert.ok(Number.isFinite(fast), `${label} D=${dim}: ${fast}`);
        assert.ok(Math.abs(fast - exact) <= 1e-9 * scale, `${label} D=${dim}: block ${fast} vs per-element ${exact}`);
      }
    });
  }

  it('through the public op, for batches mixing extreme variances', () => {
    const dim = 300;
    const a = rows(dim, 1, VARIANCE_SETS['tiny and huge mixed']!);
    const b = rows(dim, 2, VARIANCE_SETS['float32 tiny (subnormal 1e-44 .. 1e-38)']!);
    const batchA = gaussianBatch(a.muA, a.sA, dim);
    const batchB = gaussianBatch(b.muB, b.sB, dim);
    const score = mlsReferenceMatrix(batchA, batchB)[0]!;
    const exact = -mlsSumPerElementLogKernel(a.muA, a.sA, 0, b.muB, b.sB, 0, dim);
    assert.ok(Math.abs(score - exact) <= 1e-9 * Math.abs(exact), `${score} vs ${exact}`);
  });

  it('needs the guard: a fixed maximal block underflows on tiny variances, the chosen block does not', () => {
    const dim = 64;
    const s = new Float32Array(dim).fill(1e-20);
    const mu = new Float32Array(dim);
    const naive = penaltySumKernel(mu, s, 0, mu, s, 0, dim, MAX_LOG_BLOCK);
    assert.equal(naive, -Infinity, '(2e-20)^64 underflows float64, so the unguarded trick gives log 0');
    const blockSize = logBlockSize(2e-20, 2e-20);
    assert.ok(blockSize < MAX_LOG_BLOCK);
    const guarded = penaltySumKernel(mu, s, 0, mu, s, 0, dim, blockSize);
    const exact = dim * Math.log(2 * Math.fround(1e-20));
    assert.ok(Math.abs(guarded - exact) <= 1e-12 * Math.abs(exact));
  });

  it('picks the largest block that keeps every partial product in [1e-280, 1e280]', () => {
    assert.equal(logBlockSize(0.5, 2), MAX_LOG_BLOCK);
    assert.equal(logBlockSize(1, 1), MAX_LOG_BLOCK);
    assert.equal(logBlockSize(1e-20, 1), 14);
    assert.equal(logBlockSize(1, 1e40), 7);
    assert.equal(logBlockSize(1e-300, 1), 1);
    for (const [lo, hi] of [[1e-20, 1], [1e-45, 1e38], [1e-9, 1e9], [3e-45, 7e38]] as const) {
      const b = logBlockSize(lo, hi);
      // in decades, with slack for the rounding of log10 at the exact boundary
      const decades = Math.max(-Math.log10(Math.min(1, lo)), Math.log10(Math.max(1, hi)));
      assert.ok(b * decades <= 280 + 1e-9, `${lo}, ${hi} -> ${b}`);
      if (b < MAX_LOG_BLOCK) assert.ok((b + 1) * decades > 280, `${b} is not maximal`);
    }
  });
});
