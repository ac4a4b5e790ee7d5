import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fixturePath } from '../testing/paths.js';
import { cosineMatrix } from './cosine.js';
import { gaussianBatch } from './embedding.js';
import { fuseEmbeddings } from './fusion.js';
import { mlsMatrix, mlsPairs, mlsReferenceMatrix } from './mls.js';
import { uncertaintyScores } from './uncertainty.js';

/** Shape of fixtures/golden/golden-d*.json, written by scripts/golden/make_golden.py (numpy, reference formulas). */
interface GoldenCase {
  dim: number;
  a: { count: number; mu: number[]; sigmaSq: number[] };
  b: { count: number; mu: number[]; sigmaSq: number[] };
  mlsReferenceMatrix: number[];
  mlsPaperMatrix: number[];
  cosineMatrix: number[];
  fuseMinOfA: { mu: number[]; sigmaSq: number[] };
  fuseProductOfA: { mu: number[]; sigmaSq: number[] };
  uncertaintyOfA: number[];
}

const RELATIVE_TOLERANCE = 1e-5;

/**
 * |actual - expected| ≤ 1e-5 · max(|expected|, floor): purely relative for scores and
 * variances (floor 0), with an absolute floor of 1e-5 for unit-scale values that can be
 * near 0 (means of unit vectors, cosines; floor 1).
 */
function assertClose(actual: ArrayLike<number>, expected: readonly number[], what: string, floor = 0): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let k = 0; k < expected.length; k++) {
    const e = expected[k]!;
    const a = actual[k]!;
    assert.ok(Math.abs(a - e) <= RELATIVE_TOLERANCE * Math.max(Math.abs(e), floor), `${what}[${k}]: ${a} vs numpy ${e}`);
  }
}

for (const dim of [3, 16, 512]) {
  describe(`golden values from numpy, D = ${dim}`, () => {
    const golden = JSON.parse(readFileSync(fixturePath('golden', `golden-d${dim}.json`), 'utf8')) as GoldenCase;
    const a = gaussianBatch(Float32Array.from(golden.a.mu), Float32Array.from(golden.a.sigmaSq), golden.dim);
    const b = gaussianBatch(Float32Array.from(golden.b.mu), Float32Array.from(golden.b.sigmaSq), golden.dim);

    it('reference-form MLS matches utils.pair_MLS_score', () => assertClose(mlsReferenceMatrix(a, b), golden.mlsReferenceMatrix, 'mls-reference'));
    it('paper-form MLS matches', () => assertClose(mlsMatrix(a, b), golden.mlsPaperMatrix, 'mls'));
    it('aligned pairs match the matrix entries', () => {
      const indexA = Int32Array.from({ length: a.count * b.count }, (_, k) => Math.floor(k / b.count));
      const indexB = Int32Array.from({ length: a.count * b.count }, (_, k) => k % b.count);
      assertClose(mlsPairs(a, b, indexA, indexB), golden.mlsPaperMatrix, 'mls pairs');
    });
    it('cosine matches', () => assertClose(cosineMatrix(a, b), golden.cosineMatrix, 'cosine', 1));
    it("'min' fusion matches utils.aggregate_PFE", () => {
      const fused = fuseEmbeddings(a, 'min');
      assertClose(fused.mu, golden.fuseMinOfA.mu, 'min mu', 1);
      assertClose(fused.sigmaSq, golden.fuseMinOfA.sigmaSq, 'min sigmaSq');
    });
    it("'product' fusion matches the paper's formula", () => {
      const fused = fuseEmbeddings(a, 'product');
      assertClose(fused.mu, golden.fuseProductOfA.mu, 'product mu', 1);
      assertClose(fused.sigmaSq, golden.fuseProductOfA.sigmaSq, 'product sigmaSq');
    });
    it('uncertainty (harmonic mean of sigma²) matches', () => assertClose(uncertaintyScores(a), golden.uncertaintyOfA, 'uncertainty'));
  });
}
