import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { cosineMatrix, cosinePairs, cosineSimilarity } from './cosine.js';
import type { GaussianBatch, GaussianEmbedding } from './embedding.js';
import { isPfeError, type PfeErrorCode } from './errors.js';
import { fuseEmbeddings, fuseGroups, FUSION_RULES } from './fusion.js';
import { isotropicMlsMatrix } from './isotropic-mls.js';
import { penaltyOnlyMatrix, weightingOnlyPairs } from './mls-ablation.js';
import { mlsMatrix, mlsPairs, mlsReferenceMatrix, mlsScan, mutualLikelihoodScore } from './mls.js';
import { uncertaintyScore, uncertaintyScores } from './uncertainty.js';

/** Fixed seed: failures reproduce; fast-check prints the counterexample. */
const RUNS = { seed: 20190409, numRuns: 200 };

/** Largest finite float32, and the smallest positive one (subnormal 2^-149). */
const FLOAT32_MAX = 3.4028234663852886e38;
const FLOAT32_MIN_POSITIVE = 2 ** -149;

const finiteFloat32 = fc.float({ noNaN: true, noDefaultInfinity: true });
const positiveFloat32 = fc.float({ min: FLOAT32_MIN_POSITIVE, max: FLOAT32_MAX, noNaN: true });

/** Any valid batch, values over the whole float32 range (subnormal and huge included). */
const validBatch = (dim: number) =>
  fc.integer({ min: 1, max: 4 }).chain((count) =>
    fc.record({
      mu: fc.array(finiteFloat32, { minLength: count * dim, maxLength: count * dim }),
      sigmaSq: fc.array(positiveFloat32, { minLength: count * dim, maxLength: count * dim }),
    }).map(({ mu, sigmaSq }): GaussianBatch => ({ count, dim, mu: Float32Array.from(mu), sigmaSq: Float32Array.from(sigmaSq) })),
  );

const twoBatches = fc.integer({ min: 1, max: 9 }).chain((dim) => fc.tuple(validBatch(dim), validBatch(dim)));

function row(batch: GaussianBatch, i: number): GaussianEmbedding {
  return { dim: batch.dim, mu: batch.mu.subarray(i * batch.dim, (i + 1) * batch.dim), sigmaSq: batch.sigmaSq.subarray(i * batch.dim, (i + 1) * batch.dim) };
}

function allIndexPairs(a: GaussianBatch, b: GaussianBatch): [Int32Array, Int32Array] {
  const k = a.count * b.count;
  return [Int32Array.from({ length: k }, (_, t) => Math.floor(t / b.count)), Int32Array.from({ length: k }, (_, t) => t % b.count)];
}

function assertAllFinite(values: ArrayLike<number> | number, what: string): void {
  const list = typeof values === 'number' ? [values] : Array.from(values);
  for (const v of list) assert.ok(Number.isFinite(v), `${what} returned ${v}`);
}

function hasZeroRow(batch: GaussianBatch): boolean {
  for (let i = 0; i < batch.count; i++) if (row(batch, i).mu.every((v) => v === 0)) return true;
  return false;
}

describe('property: valid input never gives NaN or ±Infinity', () => {
  it('for every score form', () => {
    fc.assert(
      fc.property(twoBatches, ([a, b]) => {
        const [ia, ib] = allIndexPairs(a, b);
        assertAllFinite(mlsMatrix(a, b), 'mlsMatrix');
        assertAllFinite(mlsReferenceMatrix(a, b), 'mlsReferenceMatrix');
        assertAllFinite(mlsPairs(a, b, ia, ib), 'mlsPairs');
        assertAllFinite(mlsScan(row(a, 0), b), 'mlsScan');
        assertAllFinite(mutualLikelihoodScore(row(a, 0), row(b, b.count - 1)), 'mutualLikelihoodScore');
        assertAllFinite(weightingOnlyPairs(a, b, ia, ib), 'weightingOnlyPairs');
        assertAllFinite(penaltyOnlyMatrix(a, b), 'penaltyOnlyMatrix');
        if (!hasZeroRow(a) && !hasZeroRow(b)) {
          const cosines = cosineMatrix(a, b);
          assertAllFinite(cosines, 'cosineMatrix');
          for (const c of cosines) assert.ok(c >= -1 && c <= 1);
          assertAllFinite(cosinePairs(a, b, ia, ib), 'cosinePairs');
        }
        const isotropicA: GaussianBatch = { ...a, sigmaSq: a.sigmaSq.subarray(0, a.count) };
        assertAllFinite(isotropicMlsMatrix(isotropicA, { ...b, sigmaSq: b.sigmaSq.subarray(0, b.count) }), 'isotropicMlsMatrix');
      }),
      RUNS,
    );
  });

  it('for fusion and uncertainty, which also keep variances positive', () => {
    fc.assert(
      fc.property(twoBatches, ([a]) => {
        for (const rule of FUSION_RULES) {
          const fused = fuseEmbeddings(a, rule);
          assertAllFinite(fused.mu, `fuse ${rule} mu`);
          assertAllFinite(fused.sigmaSq, `fuse ${rule} sigmaSq`);
          for (const s of fused.sigmaSq) assert.ok(s > 0, `fuse ${rule}: variance ${s}`);
        }
        const scores = uncertaintyScores(a);
        assertAllFinite(scores, 'uncertaintyScores');
        for (const s of scores) assert.ok(s > 0);
      }),
      RUNS,
    );
  });
});

type Corruption = 'nan-mu' | 'inf-mu' | 'nan-sigma' | 'inf-sigma' | 'non-positive-sigma' | 'short-mu' | 'short-sigma' | 'empty';

const EXPECTED_CODE: Record<Corruption, PfeErrorCode> = {
  'nan-mu': 'NON_FINITE',
  'inf-mu': 'NON_FINITE',
  'nan-sigma': 'NON_FINITE',
  'inf-sigma': 'NON_FINITE',
  'non-positive-sigma': 'NON_POSITIVE_VARIANCE',
  'short-mu': 'DIMENSION_MISMATCH',
  'short-sigma': 'DIMENSION_MISMATCH',
  empty: 'EMPTY_INPUT',
};

const CORRUPTIONS = Object.keys(EXPECTED_CODE) as Corruption[];

/** A copy of `batch` with one defect of the given kind at a position chosen by `at` (0..1). */
function corrupt(batch: GaussianBatch, kind: Corruption, at: number, sign: 1 | -1, badVariance: number): GaussianBatch {
  const mu = batch.mu.slice();
  const sigmaSq = batch.sigmaSq.slice();
  const k = Math.min(mu.length - 1, Math.floor(at * mu.length));
  switch (kind) {
    case 'nan-mu':
      mu[k] = Number.NaN;
      return { ...batch, mu };
    case 'inf-mu':
      mu[k] = sign * Infinity;
      return { ...batch, mu };
    case 'nan-sigma':
      sigmaSq[k] = Number.NaN;
      return { ...batch, sigmaSq };
    case 'inf-sigma':
      sigmaSq[k] = sign * Infinity;
      return { ...batch, sigmaSq };
    case 'non-positive-sigma':
      sigmaSq[k] = badVariance;
      return { ...batch, sigmaSq };
    case 'short-mu':
      return { ...batch, mu: mu.subarray(0, mu.length - 1) };
    case 'short-sigma':
      return { ...batch, sigmaSq: sigmaSq.subarray(0, sigmaSq.length - 1) };
    case 'empty':
      return { count: 0, dim: batch.dim, mu: new Float32Array(0), sigmaSq: new Float32Array(0) };
  }
}

/** Runs `fn`; passes only if it throws a PfeError with `code` (a returned value, NaN or not, fails). */
function expectPfeError(fn: () => unknown, code: PfeErrorCode, what: string): void {
  let result: unknown;
  try {
    result = fn();
  } catch (e) {
    assert.ok(isPfeError(e), `${what}: threw ${String(e)} instead of a PfeError`);
    assert.equal(e.code, code, `${what}: ${e.message}`);
    return;
  }
  assert.fail(`${what}: returned ${String(result)} instead of throwing ${code}`);
}

describe('property: bad input always throws PfeError with the right code', () => {
  const badInput = fc.record({
    batches: twoBatches,
    kind: fc.constantFrom(...CORRUPTIONS),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    sign: fc.constantFrom<1 | -1>(1, -1),
    badVariance: fc.constantFrom(0, -0, -1e-30, -1, -FLOAT32_MAX),
    onLeft: fc.boolean(),
  });

  it('for scores, fusion and uncertainty', () => {
    fc.assert(
      fc.property(badInput, ({ batches: [a0, b0], kind, at, sign, badVariance, onLeft }) => {
        const code = EXPECTED_CODE[kind];
        const a = onLeft ? corrupt(a0, kind, at, sign, badVariance) : a0;
        const b = onLeft ? b0 : corrupt(b0, kind, at, sign, badVariance);
        const bad = onLeft ? a : b;
        const readsMuOnly = kind !== 'nan-sigma' && kind !== 'inf-sigma' && kind !== 'non-positive-sigma' && kind !== 'short-sigma';
        const readsSigmaOnly = kind !== 'nan-mu' && kind !== 'inf-mu' && kind !== 'short-mu';
        expectPfeError(() => mlsMatrix(a, b), code, `mlsMatrix ${kind}`);
        expectPfeError(() => mlsReferenceMatrix(a, b, new Float32Array(a.count * b.count)), code, `mlsReferenceMatrix ${kind}`);
        expectPfeError(() => penaltyOnlyMatrix(a, b), code, `penaltyOnlyMatrix ${kind}`);
        expectPfeError(() => fuseEmbeddings(bad), code, `fuseEmbeddings ${kind}`);
        if (bad.count > 0) expectPfeError(() => fuseGroups(bad, [[0]], 'product'), code, `fuseGroups ${kind}`);
        if (readsMuOnly) expectPfeError(() => cosineMatrix(a, b), code, `cosineMatrix ${kind}`);
        if (readsSigmaOnly) expectPfeError(() => uncertaintyScores(bad), code, `uncertaintyScores ${kind}`);
        if (bad.count > 0 && (kind === 'nan-mu' || kind === 'inf-mu' || kind === 'nan-sigma' || kind === 'inf-sigma' || kind === 'non-positive-sigma')) {
          // pairs and single forms, pointed at the corrupted row
          const badRow = Math.min(bad.count - 1, Math.floor(at * bad.count));
          const ia = new Int32Array([onLeft ? badRow : 0]);
          const ib = new Int32Array([onLeft ? 0 : badRow]);
          expectPfeError(() => mlsPairs(a, b, ia, ib), code, `mlsPairs ${kind}`);
          expectPfeError(() => weightingOnlyPairs(a, b, ia, ib), code, `weightingOnlyPairs ${kind}`);
          expectPfeError(() => mutualLikelihoodScore(row(a, ia[0]!), row(b, ib[0]!)), code, `mutualLikelihoodScore ${kind}`);
          expectPfeError(() => mlsScan(row(a, ia[0]!), b), code, `mlsScan ${kind}`);
          if (readsMuOnly) expectPfeError(() => cosineSimilarity(row(a, ia[0]!), row(b, ib[0]!)), code, `cosineSimilarity ${kind}`);
          if (readsSigmaOnly) expectPfeError(() => uncertaintyScore(row(bad, badRow)), code, `uncertaintyScore ${kind}`);
        }
      }),
      RUNS,
    );
  });

  it('for index lists: out of range, mismatched lengths or empty', () => {
    const badIndices = fc.record({
      batches: twoBatches,
      which: fc.constantFrom('a-too-large', 'b-too-large', 'negative', 'lengths', 'empty'),
      offset: fc.integer({ min: 0, max: 1000 }),
    });
    fc.assert(
      fc.property(badIndices, ({ batches: [a, b], which, offset }) => {
        let ia = new Int32Array([0]);
        let ib = new Int32Array([0]);
        let code: PfeErrorCode = 'INDEX_OUT_OF_RANGE';
        if (which === 'a-too-large') ia = new Int32Array([a.count + offset]);
        if (which === 'b-too-large') ib = new Int32Array([0, b.count + offset]).subarray(1);
        if (which === 'negative') ia = new Int32Array([-1 - offset]);
        if (which === 'lengths') [ib, code] = [new Int32Array([0, 0]), 'DIMENSION_MISMATCH'];
        if (which === 'empty') [ia, ib, code] = [new Int32Array(0), new Int32Array(0), 'EMPTY_INPUT'];
        expectPfeError(() => mlsPairs(a, b, ia, ib), code, `mlsPairs ${which}`);
        expectPfeError(() => weightingOnlyPairs(a, b, ia, ib), code, `weightingOnlyPairs ${which}`);
        expectPfeError(() => cosinePairs(a, b, ia, ib), code, `cosinePairs ${which}`);
        if (which === 'a-too-large' || which === 'negative') expectPfeError(() => fuseGroups(a, [ia]), code, `fuseGroups ${which}`);
      }),
      RUNS,
    );
  });

  it('for operands of different dimension or a bad dim', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }).chain((d) => fc.tuple(validBatch(d), validBatch(d + 1))), ([a, b]) => {
        expectPfeError(() => mlsMatrix(a, b), 'DIMENSION_MISMATCH', 'mlsMatrix');
        expectPfeError(() => cosineMatrix(a, b), 'DIMENSION_MISMATCH', 'cosineMatrix');
        expectPfeError(() => mutualLikelihoodScore(row(a, 0), row(b, 0)), 'DIMENSION_MISMATCH', 'mutualLikelihoodScore');
        expectPfeError(() => mlsMatrix({ ...a, dim: 0 }, a), 'INVALID_ARGUMENT', 'dim 0');
        expectPfeError(() => mlsMatrix({ ...a, dim: 1.5 }, a), 'INVALID_ARGUMENT', 'dim 1.5');
      }),
      RUNS,
    );
  });
});
