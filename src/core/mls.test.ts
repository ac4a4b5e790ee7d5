import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from './random.js';
import { withKernelBackend } from './kernel-backend.js';
import { gaussianBatch, gaussianBatchFromRows, embeddingAt, gaussianEmbedding } from './embedding.js';
import {
  gaussianLogNormaliser,
  mlsMatrix,
  mlsPairs,
  mlsReferenceMatrix,
  mlsReferencePairs,
  mlsScan,
  mutualLikelihoodScore,
  mutualLikelihoodScoreReference,
} from './mls.js';
import { penaltyOnlyMatrix, penaltyOnlyScore, weightingOnlyMatrix, weightingOnlyPairs, weightingOnlyScore } from './mls-ablation.js';
import { scoreMatrix, scorePair, scorePairs, scoreScan, SCORE_METRICS } from './score-metric.js';

/** Seeded uniform(0,1) stream, so the data is reproducible. */
function uniform(seed: number): () => number {
  const random = new SeededRandom(seed);
  return () => random.nextFloat();
}

function randomBatch(count: number, dim: number, seed: number) {
  const next = uniform(seed);
  const mu = new Float32Array(count * dim);
  const sigmaSq = new Float32Array(count * dim);
  for (let k = 0; k < mu.length; k++) {
    mu[k] = next() - 0.5;
    sigmaSq[k] = Math.exp(-8 + 6 * next()); // 3e-4 .. 0.14, like PFE variances
  }
  return gaussianBatch(mu, sigmaSq, dim);
}

function embedding(mu: number[], sigmaSq: number[]) {
  return gaussianEmbedding(new Float32Array(mu), new Float32Array(sigmaSq));
}

/** Normal density N(z; m, v) (v = variance). */
function normalDensity(z: number, m: number, v: number): number {
  return Math.exp((-0.5 * (z - m) * (z - m)) / v) / Math.sqrt(2 * Math.PI * v);
}

/** Composite Simpson weights for n (even) intervals of width h. */
function simpsonWeight(i: number, n: number, h: number): number {
  return ((i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2) * h) / 3;
}

describe('mutualLikelihoodScore (paper form)', () => {
  it('equals log ∫ N(z;μ1,s1) N(z;μ2,s2) dz by Simpson quadrature, D = 1', () => {
    // Values exactly representable in float32, so the inputs are the same on both sides.
    const cases: [number, number, number, number][] = [
      [0.5, -0.25, 0.125, 0.75],
      [1.5, 1.25, 2, 0.0625],
      [-3, 2, 1, 4],
      [0, 0, 0.015625, 0.015625],
    ];
    for (const [m1, m2, v1, v2] of cases) {
      const sd = Math.sqrt(Math.max(v1, v2));
      const lo = Math.min(m1, m2) - 12 * sd;
      const hi = Math.max(m1, m2) + 12 * sd;
      const n = 20000;
      const h = (hi - lo) / n;
      let integral = 0;
      for (let i = 0; i <= n; i++) {
        const z = lo + i * h;
        integral += simpsonWeight(i, n, h) * normalDensity(z, m1, v1) * normalDensity(z, m2, v2);
      }
      const score = mutualLikelihoodScore(embedding([m1], [v1]), embedding([m2], [v2]));
      assert.ok(Math.abs(score - Math.log(integral)) < 1e-6, `μ=${m1},${m2} s=${v1},${v2}: MLS ${score} vs quadrature ${Math.log(integral)}`);
    }
  });

  it('equals log ∫∫ of the product of two 2-D diagonal Gaussian densities (2-D Simpson)', () => {
    const mu1 = [0.5, -1];
    const mu2 = [-0.25, 0.75];
    const s1 = [0.25, 1.5];
    const s2 = [0.5, 0.125];
    const density2d = (x: number, y: number, m: number[], v: number[]) =>
      Math.exp(-0.5 * (((x - m[0]!) ** 2) / v[0]! + ((y - m[1]!) ** 2) / v[1]!)) / (2 * Math.PI * Math.sqrt(v[0]! * v[1]!));
    const n = 600;
    const box = (d: 0 | 1) => {
      const sd = Math.sqrt(Math.max(s1[d]!, s2[d]!));
      return [Math.min(mu1[d]!, mu2[d]!) - 10 * sd, Math.max(mu1[d]!, mu2[d]!) + 10 * sd] as const;
    };
    const [x0, x1] = box(0);
    const [y0, y1] = box(1);
    const hx = (x1 - x0) / n;
    const hy = (y1 - y0) / n;
    let integral = 0;
    for (let i = 0; i <= n; i++) {
      const x = x0 + i * hx;
      const wx = simpsonWeight(i, n, hx);
      for (let j = 0; j <= n; j++) {
        const y = y0 + j * hy;
        integral += wx * simpsonWeight(j, n, hy) * density2d(x, y, mu1, s1) * density2d(x, y, mu2, s2);
      }
    }
    const score = mutualLikelihoodScore(embedding(mu1, s1), embedding(mu2, s2));
    assert.ok(Math.abs(score - Math.log(integral)) < 1e-6, `MLS ${score} vs quadrature ${Math.log(integral)}`);
  });

  it('is symmetric', () => {
    const batch = randomBatch(6, 37, 11);
    for (let i = 0; i < 6; i++) {
      for (let j = 0; j < 6; j++) {
        const x = embeddingAt(batch, i);
        const y = embeddingAt(batch, j);
        assert.equal(mutualLikelihoodScore(x, y), mutualLikelihoodScore(y, x));
      }
    }
  });

  it('decreases as either variance grows when the means are equal', () => {
    const mu = [0.1, -0.2, 0.3];
    let previous = Infinity;
    for (const v of [1e-4, 1e-3, 1e-2, 0.1, 1, 10]) {
      const forX = mutualLikelihoodScore(embedding(mu, [v, v, v]), embedding(mu, [0.01, 0.02, 0.03]));
      const forY = mutualLikelihoodScore(embedding(mu, [0.01, 0.02, 0.03]), embedding(mu, [v, v, v]));
      assert.ok(forX < previous, `score ${forX} at sigma²=${v} should be below ${previous}`);
      assert.equal(forX, forY);
      previous = forX;
    }
  });

  it('rewards close means and penalises uncertainty as the paper describes', () => {
    const confident = embedding([0, 0], [0.01, 0.01]);
    const closeConfident = embedding([0.05, 0], [0.01, 0.01]);
    const farConfident = embedding([1, 0], [0.01, 0.01]);
    const closeBlurry = embedding([0.05, 0], [1, 1]);
    const closeScore = mutualLikelihoodScore(confident, closeConfident);
    assert.ok(closeScore > mutualLikelihoodScore(confident, farConfident));
    assert.ok(closeScore > mutualLikelihoodScore(confident, closeBlurry));
  });

  it('relates to the reference form by paper = reference/2 − (D/2) log 2π', () => {
    const batch = randomBatch(3, 64, 5);
    const x = embeddingAt(batch, 0);
    const y = embeddingAt(batch, 2);
    const paper = mutualLikelihoodScore(x, y);
    const reference = mutualLikelihoodScoreReference(x, y);
    assert.ok(Math.abs(paper - (reference / 2 - gaussianLogNormaliser(64))) < 1e-9 * Math.abs(paper));
    assert.ok(Math.abs(gaussianLogNormaliser(2) - Math.log(2 * Math.PI)) < 1e-15);
  });

  it('is the sum of its ablation halves minus the constant', () => {
    const batch = randomBatch(4, 50, 9);
    const x = embeddingAt(batch, 1);
    const y = embeddingAt(batch, 3);
    // An identity of the float64 JS kernels (the wasm kernel agrees within float32: wasm-kernels.test.ts).
    const whole = withKernelBackend('js', () => mutualLikelihoodScore(x, y));
    const parts = weightingOnlyScore(x, y) + penaltyOnlyScore(x, y) - gaussianLogNormaliser(50);
    assert.ok(Math.abs(whole - parts) < 1e-10 * Math.abs(whole));
    // weighting ignores the log term: equal means give exactly 0
    assert.equal(weightingOnlyScore(x, x), 0);
    // penalty ignores the means
    const shifted = gaussianEmbedding(x.mu.map((v) => v + 1), x.sigmaSq);
    assert.equal(penaltyOnlyScore(shifted, y), penaltyOnlyScore(x, y));
  });
});

describe('single, pairs, matrix and scan forms agree', () => {
  const a = randomBatch(7, 129, 1);
  const b = randomBatch(5, 129, 2);
  const indexA = new Int32Array([0, 6, 3, 3, 1]);
  const indexB = new Uint32Array([4, 0, 2, 2, 1]);

  it('for the paper and reference MLS', () => {
    const matrix = mlsMatrix(a, b);
    const referenceMatrix = mlsReferenceMatrix(a, b);
    assert.equal(matrix.length, 35);
    for (let i = 0; i < a.count; i++) {
      const scan = mlsScan(embeddingAt(a, i), b);
      for (let j = 0; j < b.count; j++) {
        const single = mutualLikelihoodScore(embeddingAt(a, i), embeddingAt(b, j));
        const relative = 1e-12 * Math.abs(single);
        assert.ok(Math.abs(matrix[i * b.count + j]! - single) <= relative);
        assert.ok(Math.abs(scan[j]! - single) <= relative);
        assert.ok(Math.abs(referenceMatrix[i * b.count + j]! - mutualLikelihoodScoreReference(embeddingAt(a, i), embeddingAt(b, j))) <= 2 * relative + 1e-9);
      }
    }
    const pairs = mlsPairs(a, b, indexA, indexB);
    const referencePairs = mlsReferencePairs(a, b, indexA, indexB);
    for (let k = 0; k < indexA.length; k++) {
      assert.equal(pairs[k], matrix[indexA[k]! * b.count + indexB[k]!]);
      assert.equal(referencePairs[k], referenceMatrix[indexA[k]! * b.count + indexB[k]!]);
    }
  });

  it('into a caller-supplied Float32Array, rounded from the float64 result', () => {
    const out = new Float32Array(35);
    const returned = mlsMatrix(a, b, out);
    assert.equal(returned, out);
    const exact = mlsMatrix(a, b);
    for (let k = 0; k < 35; k++) assert.equal(out[k], Math.fround(exact[k]!));
    assert.throws(() => mlsMatrix(a, b, new Float64Array(34)), { code: 'DIMENSION_MISMATCH' });
  });

  it('through the metric dispatcher for every metric', () => {
    const x = embeddingAt(a, 2);
    for (const metric of SCORE_METRICS) {
      const matrix = scoreMatrix(metric, a, b);
      const pairs = scorePairs(metric, a, b, indexA, indexB);
      const scan = scoreScan(metric, x, b);
      for (let j = 0; j < b.count; j++) {
        const single = scorePair(metric, x, embeddingAt(b, j));
        assert.ok(Math.abs(matrix[2 * b.count + j]! - single) <= 1e-12 * Math.max(1, Math.abs(single)), metric);
        assert.ok(Math.abs(scan[j]! - single) <= 1e-12 * Math.max(1, Math.abs(single)), metric);
      }
      for (let k = 0; k < indexA.length; k++) assert.equal(pairs[k], matrix[indexA[k]! * b.count + indexB[k]!], metric);
    }
    assert.deepEqual(weightingOnlyPairs(a, b, indexA, indexB), scorePairs('weighting-only', a, b, indexA, indexB));
    assert.deepEqual(weightingOnlyMatrix(a, b), scoreMatrix('weighting-only', a, b));
    assert.deepEqual(penaltyOnlyMatrix(a, b), scoreMatrix('penalty-only', a, b));
  });

  it('with small hand-written batches', () => {
    const left = gaussianBatchFromRows([[0, 1]], [[0.5, 0.25]]);
    const right = gaussianBatchFromRows([[1, 1], [0, 0]], [0.5, [1.5, 0.75]]);
    // row 0: s = (1, 0.75), Δμ = (-1, 0): Σ = 1/1 + 0 + log 1 + log 0.75
    const expected0 = -(1 + Math.log(0.75));
    // row 1: s = (2, 1), Δμ = (0, 1): Σ = 0 + 1 + log 2 + 0
    const expected1 = -(1 + Math.log(2));
    const scores = mlsReferenceMatrix(left, right);
    assert.ok(Math.abs(scores[0]! - expected0) < 1e-12);
    assert.ok(Math.abs(scores[1]! - expected1) < 1e-12);
  });
});
