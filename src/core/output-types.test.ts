import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cosineMatrix, cosinePairs, cosineScan } from './cosine.js';
import { diagonalScoreMatrix, diagonalScorePairs, diagonalScoreScan } from './diagonal-score.js';
import { embeddingAt, gaussianBatchFromRows } from './embedding.js';
import { isotropicBatch, isotropicMlsMatrix, isotropicMlsPairs, isotropicMlsScan } from './isotropic-mls.js';
import { penaltyOnlyMatrix, penaltyOnlyPairs, penaltyOnlyScan, weightingOnlyMatrix, weightingOnlyPairs, weightingOnlyScan } from './mls-ablation.js';
import { MLS_PAPER, mlsMatrix, mlsPairs, mlsReferenceMatrix, mlsReferencePairs, mlsReferenceScan, mlsScan } from './mls.js';
import { diagonalScoreScanPrepared, mlsReferenceScanPrepared, mlsScanPrepared, prepareGallery } from './prepared-gallery.js';
import { scoreMatrix, scorePairs, scoreScan } from './score-metric.js';
import { uncertaintyScore, uncertaintyScores } from './uncertainty.js';
import { outputArray, type ScoreArray } from './validate.js';

/**
 * The output typing of the score ops: no `out` → a new Float64Array, typed Float64Array;
 * `out: T` → that very array, typed T. Runtime checks below; the type checks are the
 * `returns<…>()` calls and the @ts-expect-error lines, which `tsc` (run before the tests)
 * rejects if a signature regresses — e.g. back to `<T = Float64Array>(out?: T): T`, which
 * let `mlsMatrix<Float32Array>(a, b)` compile while returning a Float64Array.
 */

/** true iff A and B are the same type (not merely mutually assignable); the usual tsd/valibot trick. */
type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;

/**
 * returns<Expected>()(value) compiles only if value's static type is exactly Expected
 * (otherwise it demands a second argument of type never); passes value through.
 */
function returns<Expected>(): <Actual>(actual: Actual, ...mismatch: Equal<Actual, Expected> extends true ? [] : [never]) => Actual {
  return <Actual>(actual: Actual, ..._mismatch: Equal<Actual, Expected> extends true ? [] : [never]): Actual => actual;
}

// A: 2 rows, B: 3 rows, D = 3; uneven variances so the ablation forms differ from MLS.
const a = gaussianBatchFromRows(
  [
    [1, 0, 0.5],
    [0, 2, -1],
  ],
  [
    [0.5, 1, 2],
    [1, 0.25, 1],
  ],
);
const b = gaussianBatchFromRows(
  [
    [1, 1, 0],
    [0.5, -1, 2],
    [-1, 0, 1],
  ],
  [[1, 1, 0.5], [2, 0.5, 1], 0.75],
);
const probe = embeddingAt(a, 0);
const indexA = new Int32Array([0, 1, 1]);
const indexB = new Uint32Array([2, 0, 1]);
const prepared = prepareGallery(b);
const isoA = isotropicBatch(a.mu, new Float32Array([0.5, 2]), a.dim);
const isoB = isotropicBatch(b.mu, new Float32Array([1, 0.25, 3]), b.dim);

/** One score op, called both ways: `fresh` without out, `into` with a caller array. */
interface OutputCase {
  readonly name: string;
  readonly length: number;
  readonly fresh: () => Float64Array;
  readonly into: <T extends ScoreArray>(out: T) => T;
}

// Each arrow pins the static return type with returns<…>() (a type error if it drifts);
// the annotations on fresh/into alone would accept a narrower or wider overload result.
const CASES: readonly OutputCase[] = [
  { name: 'mlsPairs', length: 3, fresh: () => returns<Float64Array>()(mlsPairs(a, b, indexA, indexB)), into: (out) => returns<typeof out>()(mlsPairs(a, b, indexA, indexB, out)) },
  { name: 'mlsMatrix', length: 6, fresh: () => returns<Float64Array>()(mlsMatrix(a, b)), into: (out) => returns<typeof out>()(mlsMatrix(a, b, out)) },
  { name: 'mlsScan', length: 3, fresh: () => returns<Float64Array>()(mlsScan(probe, b)), into: (out) => returns<typeof out>()(mlsScan(probe, b, out)) },
  {
    name: 'mlsReferencePairs',
    length: 3,
    fresh: () => returns<Float64Array>()(mlsReferencePairs(a, b, indexA, indexB)),
    into: (out) => returns<typeof out>()(mlsReferencePairs(a, b, indexA, indexB, out)),
  },
  { name: 'mlsReferenceMatrix', length: 6, fresh: () => returns<Float64Array>()(mlsReferenceMatrix(a, b)), into: (out) => returns<typeof out>()(mlsReferenceMatrix(a, b, out)) },
  { name: 'mlsReferenceScan', length: 3, fresh: () => returns<Float64Array>()(mlsReferenceScan(probe, b)), into: (out) => returns<typeof out>()(mlsReferenceScan(probe, b, out)) },
  {
    name: 'cosinePairs',
    length: 3,
    fresh: () => returns<Float64Array>()(cosinePairs(a, b, indexA, indexB)),
    into: (out) => returns<typeof out>()(cosinePairs(a, b, indexA, indexB, out)),
  },
  { name: 'cosineMatrix', length: 6, fresh: () => returns<Float64Array>()(cosineMatrix(a, b)), into: (out) => returns<typeof out>()(cosineMatrix(a, b, out)) },
  { name: 'cosineScan', length: 3, fresh: () => returns<Float64Array>()(cosineScan(probe, b)), into: (out) => returns<typeof out>()(cosineScan(probe, b, out)) },
  {
    name: 'diagonalScorePairs',
    length: 3,
    fresh: () => returns<Float64Array>()(diagonalScorePairs(MLS_PAPER, a, b, indexA, indexB)),
    into: (out) => returns<typeof out>()(diagonalScorePairs(MLS_PAPER, a, b, indexA, indexB, out)),
  },
  {
    name: 'diagonalScoreMatrix',
    length: 6,
    fresh: () => returns<Float64Array>()(diagonalScoreMatrix(MLS_PAPER, a, b)),
    into: (out) => returns<typeof out>()(diagonalScoreMatrix(MLS_PAPER, a, b, out)),
  },
  {
    name: 'diagonalScoreScan',
    length: 3,
    fresh: () => returns<Float64Array>()(diagonalScoreScan(MLS_PAPER, probe, b)),
    into: (out) => returns<typeof out>()(diagonalScoreScan(MLS_PAPER, probe, b, out)),
  },
  {
    name: 'isotropicMlsPairs',
    length: 3,
    fresh: () => returns<Float64Array>()(isotropicMlsPairs(isoA, isoB, indexA, indexB)),
    into: (out) => returns<typeof out>()(isotropicMlsPairs(isoA, isoB, indexA, indexB, out)),
  },
  { name: 'isotropicMlsMatrix', length: 6, fresh: () => returns<Float64Array>()(isotropicMlsMatrix(isoA, isoB)), into: (out) => returns<typeof out>()(isotropicMlsMatrix(isoA, isoB, out)) },
  {
    name: 'isotropicMlsScan',
    length: 3,
    fresh: () => returns<Float64Array>()(isotropicMlsScan({ dim: 3, mu: probe.mu, sigmaSq: 0.5 }, isoB)),
    into: (out) => returns<typeof out>()(isotropicMlsScan({ dim: 3, mu: probe.mu, sigmaSq: 0.5 }, isoB, out)),
  },
  {
    name: 'weightingOnlyPairs',
    length: 3,
    fresh: () => returns<Float64Array>()(weightingOnlyPairs(a, b, indexA, indexB)),
    into: (out) => returns<typeof out>()(weightingOnlyPairs(a, b, indexA, indexB, out)),
  },
  { name: 'weightingOnlyMatrix', length: 6, fresh: () => returns<Float64Array>()(weightingOnlyMatrix(a, b)), into: (out) => returns<typeof out>()(weightingOnlyMatrix(a, b, out)) },
  { name: 'weightingOnlyScan', length: 3, fresh: () => returns<Float64Array>()(weightingOnlyScan(probe, b)), into: (out) => returns<typeof out>()(weightingOnlyScan(probe, b, out)) },
  {
    name: 'penaltyOnlyPairs',
    length: 3,
    fresh: () => returns<Float64Array>()(penaltyOnlyPairs(a, b, indexA, indexB)),
    into: (out) => returns<typeof out>()(penaltyOnlyPairs(a, b, indexA, indexB, out)),
  },
  { name: 'penaltyOnlyMatrix', length: 6, fresh: () => returns<Float64Array>()(penaltyOnlyMatrix(a, b)), into: (out) => returns<typeof out>()(penaltyOnlyMatrix(a, b, out)) },
  { name: 'penaltyOnlyScan', length: 3, fresh: () => returns<Float64Array>()(penaltyOnlyScan(probe, b)), into: (out) => returns<typeof out>()(penaltyOnlyScan(probe, b, out)) },
  {
    name: 'scorePairs (cosine)',
    length: 3,
    fresh: () => returns<Float64Array>()(scorePairs('cosine', a, b, indexA, indexB)),
    into: (out) => returns<typeof out>()(scorePairs('cosine', a, b, indexA, indexB, out)),
  },
  { name: 'scoreMatrix (mls)', length: 6, fresh: () => returns<Float64Array>()(scoreMatrix('mls', a, b)), into: (out) => returns<typeof out>()(scoreMatrix('mls', a, b, out)) },
  {
    name: 'scoreScan (penalty-only)',
    length: 3,
    fresh: () => returns<Float64Array>()(scoreScan('penalty-only', probe, b)),
    into: (out) => returns<typeof out>()(scoreScan('penalty-only', probe, b, out)),
  },
  {
    name: 'diagonalScoreScanPrepared',
    length: 3,
    fresh: () => returns<Float64Array>()(diagonalScoreScanPrepared(MLS_PAPER, probe, prepared)),
    into: (out) => returns<typeof out>()(diagonalScoreScanPrepared(MLS_PAPER, probe, prepared, out)),
  },
  { name: 'mlsScanPrepared', length: 3, fresh: () => returns<Float64Array>()(mlsScanPrepared(probe, prepared)), into: (out) => returns<typeof out>()(mlsScanPrepared(probe, prepared, out)) },
  {
    name: 'mlsReferenceScanPrepared',
    length: 3,
    fresh: () => returns<Float64Array>()(mlsReferenceScanPrepared(probe, prepared)),
    into: (out) => returns<typeof out>()(mlsReferenceScanPrepared(probe, prepared, out)),
  },
  { name: 'uncertaintyScores', length: 2, fresh: () => returns<Float64Array>()(uncertaintyScores(a)), into: (out) => returns<typeof out>()(uncertaintyScores(a, out)) },
  { name: 'uncertaintyScore (batch)', length: 2, fresh: () => returns<Float64Array>()(uncertaintyScore(a)), into: (out) => returns<typeof out>()(uncertaintyScore(a, out)) },
];

describe('score ops: output array and its static type', () => {
  for (const c of CASES) {
    it(`${c.name}: a new Float64Array without out, the caller's very array with out`, () => {
      const fresh = c.fresh();
      assert.ok(fresh instanceof Float64Array, `${c.name} without out returned ${Object.prototype.toString.call(fresh)}`);
      assert.equal(fresh.length, c.length);
      assert.ok(fresh.every(Number.isFinite), `${c.name}: ${Array.from(fresh).join(', ')}`);

      const out64 = new Float64Array(c.length).fill(Number.NaN);
      assert.equal(c.into(out64), out64);
      assert.deepEqual(Array.from(out64), Array.from(fresh));

      // NaN fill: a kernel that returned out without writing every entry shows up here.
      const out32 = new Float32Array(c.length).fill(Number.NaN);
      assert.equal(c.into(out32), out32);
      assert.deepEqual(Array.from(out32), Array.from(fresh, Math.fround));

      const wrongLength = new Float64Array(c.length + 1);
      assert.throws(() => c.into(wrongLength), { code: 'DIMENSION_MISMATCH' });
    });
  }

  it('a subarray out comes back as that same view', () => {
    const backing = new Float32Array(10).fill(Number.NaN);
    const view = backing.subarray(2, 8);
    const result = returns<typeof view>()(mlsMatrix(a, b, view));
    assert.equal(result, view);
    assert.ok(Number.isNaN(backing[1]!) && Number.isNaN(backing[8]!), 'wrote outside the view');
    assert.deepEqual(Array.from(view), Array.from(mlsMatrix(a, b), Math.fround));
  });

  it('an out that may be undefined (forwarding) is typed ScoreArray and still honoured', () => {
    const forward = (out?: Float32Array): ScoreArray => returns<ScoreArray>()(mlsMatrix(a, b, out));
    assert.ok(forward() instanceof Float64Array);
    const out = new Float32Array(6);
    assert.equal(forward(out), out);
  });
});

describe('outputArray', () => {
  it('allocates a zeroed Float64Array without out and passes out through after a length check', () => {
    const fresh = returns<Float64Array>()(outputArray(undefined, 4));
    assert.ok(fresh instanceof Float64Array);
    assert.deepEqual(Array.from(fresh), [0, 0, 0, 0]);
    const out = new Float32Array(4);
    assert.equal(returns<typeof out>()(outputArray(out, 4)), out);
    assert.throws(() => outputArray(out, 5), { code: 'DIMENSION_MISMATCH' });
  });
});

describe('types the old generic signatures accepted wrongly', () => {
  it('an explicit Float32Array type argument without out does not compile (the result is a Float64Array)', () => {
    // Each line below compiled under `<T extends ScoreArray = Float64Array>(…, out?: T): T`
    // and then held a Float64Array typed as Float32Array. Now no overload matches:
    // the out-less overloads take no type argument and the generic one requires out.
    // @ts-expect-error explicit T without out
    const matrix = mlsMatrix<Float32Array>(a, b);
    // @ts-expect-error explicit T without out
    const scores = uncertaintyScores<Float32Array>(a);
    // @ts-expect-error explicit T without out
    const byMetric = scoreScan<Float32Array>('cosine', probe, b);
    // @ts-expect-error explicit T without out
    const scan = mlsScanPrepared<Float32Array>(probe, prepared);
    // @ts-expect-error explicit T with undefined as out
    const allocated = outputArray<Float32Array>(undefined, 3);
    for (const lie of [matrix, scores, byMetric, scan, allocated]) assert.ok(lie instanceof Float64Array);
  });

  it('a result without out does not fit a Float32Array variable', () => {
    // @ts-expect-error Float64Array is not assignable to Float32Array
    const narrowed: Float32Array = cosinePairs(a, b, indexA, indexB);
    assert.ok(narrowed instanceof Float64Array);
  });
});
