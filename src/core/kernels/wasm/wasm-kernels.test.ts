import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { cosineMatrix, cosinePairs, cosineSimilarity } from '../../cosine.js';
import { embeddingAt, type GaussianBatch } from '../../embedding.js';
import { isotropicMlsMatrix, isotropicMlsPairs, isotropicMutualLikelihoodScore } from '../../isotropic-mls.js';
import { kernelBackend, setKernelBackend, withKernelBackend } from '../../kernel-backend.js';
import { mlsMatrix, mlsPairs, mlsReferenceMatrix, mlsReferencePairs, mutualLikelihoodScore } from '../../mls.js';
import { mlsReferenceScanPrepared, mlsScanPrepared, prepareGallery } from '../../prepared-gallery.js';
import { mlsSumPerElementLogKernel } from '../mls-sum-per-element.js';
import { WASM_MLS_MAX_VARIANCE_SUM, WASM_MLS_MIN_VARIANCE_SUM } from './batch-kernels.js';
import { wasmUnavailableReason } from './wasm-runtime.js';

/** Fixed seed: failures reproduce; fast-check prints the counterexample. */
const RUNS = { seed: 20260413, numRuns: 120 };

/**
 * Float32 tolerance: the wasm kernels compute in float32 lanes (2^-24 ≈ 6e-8 relative per
 * operation) and sum in float64 every 64 dimensions, so a score may differ from the float64
 * JS kernel by ~D·6e-8 of the magnitude of its terms; 2e-5 of Σ|terms| (plus 1e-9 for scores
 * that cancel to ~0) bounds that for D ≤ 300 with room.
 */
const RELATIVE = 2e-5;

/** Σ_l [ d²/s + |log s| ] of a pair: the magnitude the MLS tolerance is relative to. */
function mlsMagnitude(a: GaussianBatch, i: number, b: GaussianBatch, j: number): number {
  let sum = 0;
  for (let l = 0; l < a.dim; l++) {
    const s = a.sigmaSq[i * a.dim + l]! + b.sigmaSq[j * b.dim + l]!;
    const d = a.mu[i * a.dim + l]! - b.mu[j * b.dim + l]!;
    sum += (d * d) / s + Math.abs(Math.log(s));
  }
  return sum;
}

/** Variances log-uniform over `decades` around 1e-3 (the head's usual range is 1e-4..1e-1). */
function batchArbitrary(dim: number, maxCount: number, sigmaDecades: number, isotropic: boolean): fc.Arbitrary<GaussianBatch> {
  return fc.integer({ min: 1, max: maxCount }).chain((count) =>
    fc
      .record({
        mu: fc.array(fc.float({ min: -4, max: 4, noNaN: true }), { minLength: count * dim, maxLength: count * dim }),
        logSigma: fc.array(fc.double({ min: -sigmaDecades, max: sigmaDecades, noNaN: true }), { minLength: count * dim, maxLength: count * dim }),
      })
      .map(({ mu, logSigma }): GaussianBatch => {
        const sigmaSq = Float32Array.from(logSigma, (e) => 1e-3 * 10 ** e);
        if (isotropic) for (let i = 0; i < count; i++) sigmaSq.fill(sigmaSq[i * dim]!, i * dim, (i + 1) * dim);
        return { count, dim, mu: Float32Array.from(mu), sigmaSq };
      }),
  );
}

/** Two batches of one D (1..70, so D mod 4 and D mod 8 take every value; plus a few large D). */
function twoBatches(sigmaDecades: number, isotropic = false): fc.Arbitrary<[GaussianBatch, GaussianBatch]> {
  return fc
    .oneof(fc.integer({ min: 1, max: 70 }), fc.constantFrom(127, 128, 129, 192, 257))
    .chain((dim) => fc.tuple(batchArbitrary(dim, 4, sigmaDecades, isotropic), batchArbitrary(dim, 6, sigmaDecades, isotropic)));
}

function allPairs(a: GaussianBatch, b: GaussianBatch): [Int32Array, Int32Array] {
  const k = a.count * b.count;
  return [Int32Array.from({ length: k }, (_, t) => Math.floor(t / b.count)), Int32Array.from({ length: k }, (_, t) => t % b.count)];
}

const skip = wasmUnavailableReason() ?? false;

describe('wasm kernels agree with the JavaScript kernels', { skip }, () => {
  it('are the default backend where they load', () => {
    assert.equal(kernelBackend(), 'wasm');
  });

  for (const [label, decades] of [
    ['ordinary variances', 2],
    ['extreme variances (the JS kernel takes sums outside 2^±60)', 30],
  ] as const) {
    it(`exact MLS, paper and reference forms, matrix, pairs, single and prepared scan: ${label}`, () => {
      fc.assert(
        fc.property(twoBatches(decades), ([a, b]) => {
          const [ia, ib] = allPairs(a, b);
          const js = withKernelBackend('js', () => ({ m: mlsMatrix(a, b), r: mlsReferenceMatrix(a, b) }));
          const wasm = { m: mlsMatrix(a, b), r: mlsReferenceMatrix(a, b), p: mlsPairs(a, b, ia, ib), rp: mlsReferencePairs(a, b, ia, ib) };
          const prepared = prepareGallery(b);
          for (let i = 0; i < a.count; i++) {
            const scan = mlsScanPrepared(embeddingAt(a, i), prepared);
            const referenceScan = mlsReferenceScanPrepared(embeddingAt(a, i), prepared);
            for (let j = 0; j < b.count; j++) {
              const k = i * b.count + j;
              const tolerance = RELATIVE * mlsMagnitude(a, i, b, j) + 1e-9;
              assert.ok(Math.abs(wasm.m[k]! - js.m[k]!) <= tolerance, `D=${a.dim} (${i},${j}): wasm ${wasm.m[k]} js ${js.m[k]}`);
              assert.ok(Math.abs(wasm.r[k]! - js.r[k]!) <= 2 * tolerance, `reference D=${a.dim}: wasm ${wasm.r[k]} js ${js.r[k]}`);
              // Every form scores a pair with the same kernel: bit-identical. With extreme
              // variances a form may fall back to JS where another does not (each judges the
              // variance range of the rows it reads), so they agree within the tolerance.
              const same = (x: number, y: number, what: string): void => {
                if (decades === 2) assert.equal(x, y, what);
                else assert.ok(Math.abs(x - y) <= 2 * tolerance, `${what}: ${x} vs ${y}`);
              };
              same(wasm.p[k]!, wasm.m[k]!, 'pairs');
              same(wasm.rp[k]!, wasm.r[k]!, 'reference pairs');
              same(scan[j]!, wasm.m[k]!, 'prepared scan');
              same(referenceScan[j]!, wasm.r[k]!, 'prepared reference scan');
              same(mutualLikelihoodScore(embeddingAt(a, i), embeddingAt(b, j)), wasm.m[k]!, 'single');
            }
          }
        }),
        RUNS,
      );
    });
  }

  it('exact MLS against the per-dimension-log reference sum, at the limits of the wasm range', () => {
    const dim = 19;
    const lowest = new Float32Array(dim).fill(WASM_MLS_MIN_VARIANCE_SUM / 2);
    const highest = new Float32Array(dim).fill(WASM_MLS_MAX_VARIANCE_SUM / 2);
    for (const sigmaSq of [lowest, highest]) {
      const a: GaussianBatch = { count: 1, dim, mu: new Float32Array(dim).fill(0.25), sigmaSq };
      const b: GaussianBatch = { count: 1, dim, mu: new Float32Array(dim).fill(-0.5), sigmaSq };
      const expected = -mlsSumPerElementLogKernel(a.mu, a.sigmaSq, 0, b.mu, b.sigmaSq, 0, dim);
      const got = mlsReferenceMatrix(a, b)[0]!;
      assert.ok(Math.abs(got - expected) <= RELATIVE * Math.abs(expected), `${got} vs ${expected}`);
    }
  });

  it('exact MLS of means near float32 overflow: the JS kernel recomputes what float32 lanes cannot hold', () => {
    const dim = 8;
    const a: GaussianBatch = { count: 1, dim, mu: new Float32Array(dim).fill(3e38), sigmaSq: new Float32Array(dim).fill(1) };
    const b: GaussianBatch = { count: 2, dim, mu: new Float32Array(2 * dim).fill(-3e38).fill(0, dim), sigmaSq: new Float32Array(2 * dim).fill(1) };
    const wasm = mlsMatrix(a, b);
    const js = withKernelBackend('js', () => mlsMatrix(a, b));
    assert.deepEqual([...wasm].map(Number.isFinite), [true, true]);
    assert.ok(Math.abs(wasm[0]! - js[0]!) <= 1e-12 * Math.abs(js[0]!));
  });

  it('cosine, matrix, pairs and single', () => {
    fc.assert(
      fc.property(twoBatches(2), ([a, b]) => {
        const [ia, ib] = allPairs(a, b);
        const zero = (batch: GaussianBatch) => Array.from({ length: batch.count }, (_, i) => embeddingAt(batch, i).mu.every((v) => v === 0)).some(Boolean);
        fc.pre(!zero(a) && !zero(b));
        const js = withKernelBackend('js', () => cosineMatrix(a, b));
        const wasm = cosineMatrix(a, b);
        const pairs = cosinePairs(a, b, ia, ib);
        for (let k = 0; k < js.length; k++) {
          // float32 lanes: |Δcos| ≤ ~D·6e-8 for unit-scaled rows
          assert.ok(Math.abs(wasm[k]! - js[k]!) <= 2e-5, `D=${a.dim}: wasm ${wasm[k]} js ${js[k]}`);
          assert.equal(pairs[k], wasm[k]);
        }
        assert.equal(cosineSimilarity(embeddingAt(a, 0), embeddingAt(b, 0)), wasm[0]);
      }),
      RUNS,
    );
  });

  it('scalar-σ² (isotropic) MLS, matrix, pairs and single', () => {
    fc.assert(
      fc.property(twoBatches(3, true), ([a, b]) => {
        const [ia, ib] = allPairs(a, b);
        const js = withKernelBackend('js', () => isotropicMlsMatrix(a, b));
        const wasm = isotropicMlsMatrix(a, b);
        const pairs = isotropicMlsPairs(a, b, ia, ib);
        for (let i = 0; i < a.count; i++) {
          for (let j = 0; j < b.count; j++) {
            const k = i * b.count + j;
            assert.ok(Math.abs(wasm[k]! - js[k]!) <= RELATIVE * mlsMagnitude(a, i, b, j) + 1e-9, `D=${a.dim}: wasm ${wasm[k]} js ${js[k]}`);
            assert.equal(pairs[k], wasm[k]);
          }
        }
        assert.equal(isotropicMutualLikelihoodScore(embeddingAt(a, 0), embeddingAt(b, 0)), wasm[0]);
      }),
      RUNS,
    );
  });

  it('the JS backend can be selected, and restored', () => {
    const a: GaussianBatch = { count: 1, dim: 3, mu: new Float32Array([1, 2, 3]), sigmaSq: new Float32Array([0.1, 0.2, 0.3]) };
    setKernelBackend('js');
    try {
      assert.equal(kernelBackend(), 'js');
      assert.equal(mlsMatrix(a, a)[0], withKernelBackend('js', () => mlsMatrix(a, a)[0]));
    } finally {
      setKernelBackend('wasm');
    }
    assert.throws(() => setKernelBackend('gpu' as 'js'), { code: 'INVALID_ARGUMENT' });
  });
});
