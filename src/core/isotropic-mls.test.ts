import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { embeddingAt, gaussianBatch } from './embedding.js';
import { isotropicBatch, isotropicMlsMatrix, isotropicMlsPairs, isotropicMlsScan, isotropicMutualLikelihoodScore } from './isotropic-mls.js';
import { mlsMatrix } from './mls.js';
import { withKernelBackend } from './kernel-backend.js';
import { SeededRandom } from './random.js';

/** A batch with one random variance per row, repeated over the D columns. */
function constantRowBatch(count: number, dim: number, seed: number) {
  const random = new SeededRandom(seed);
  const mu = new Float32Array(count * dim);
  const sigmaSq = new Float32Array(count * dim);
  const perRow = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    perRow[i] = Math.exp(-6 + 5 * random.nextFloat());
    sigmaSq.fill(perRow[i]!, i * dim, (i + 1) * dim);
    for (let l = 0; l < dim; l++) mu[i * dim + l] = random.nextGaussian() * 0.1;
  }
  return { batch: gaussianBatch(mu, sigmaSq, dim), isotropic: isotropicBatch(mu, perRow, dim), perRow };
}

describe('isotropic MLS', () => {
  const dim = 96;
  const a = constantRowBatch(4, dim, 21);
  const b = constantRowBatch(6, dim, 22);

  it('equals the diagonal MLS when each row has one variance', () => {
    // An identity of the float64 JS kernels (the wasm kernels agree within float32: wasm-kernels.test.ts).
    const diagonal = withKernelBackend('js', () => mlsMatrix(a.batch, b.batch));
    const fromConstantRows = withKernelBackend('js', () => isotropicMlsMatrix(a.batch, b.batch));
    const fromScalars = isotropicMlsMatrix(a.isotropic, b.isotropic);
    const fromScalarsJs = withKernelBackend('js', () => isotropicMlsMatrix(a.isotropic, b.isotropic));
    const fromConstantRowsWasm = isotropicMlsMatrix(a.batch, b.batch);
    for (let k = 0; k < diagonal.length; k++) {
      assert.ok(Math.abs(fromConstantRows[k]! - diagonal[k]!) <= 1e-10 * Math.abs(diagonal[k]!), `${fromConstantRows[k]} vs ${diagonal[k]}`);
      assert.equal(fromScalarsJs[k], fromConstantRows[k]);
      assert.equal(fromScalars[k], fromConstantRowsWasm[k]);
    }
  });

  it('agrees across single, pairs, matrix and scan forms', () => {
    const matrix = isotropicMlsMatrix(a.isotropic, b.batch);
    const pairs = isotropicMlsPairs(a.isotropic, b.batch, new Uint32Array([3, 0]), new Uint32Array([5, 1]));
    assert.equal(pairs[0], matrix[3 * 6 + 5]);
    assert.equal(pairs[1], matrix[1]);
    const probe = { dim, mu: a.isotropic.mu.subarray(2 * dim, 3 * dim), sigmaSq: a.perRow[2]! };
    const scan = isotropicMlsScan(probe, b.batch);
    for (let j = 0; j < 6; j++) {
      assert.equal(scan[j], matrix[2 * 6 + j]);
      assert.equal(isotropicMutualLikelihoodScore(probe, embeddingAt(b.batch, j)), matrix[2 * 6 + j]);
    }
  });

  it('refuses rows whose variances are not constant', () => {
    const sigmaSq = new Float32Array(6).fill(1);
    sigmaSq[4] = 2;
    const batch = gaussianBatch(new Float32Array(6), sigmaSq, 3);
    assert.throws(() => isotropicMlsMatrix(batch, batch), (e: unknown) => e instanceof Error && /row 1/.test(e.message) && (e as { code?: string }).code === 'INVALID_ARGUMENT');
    assert.throws(() => isotropicBatch(new Float32Array(6), new Float32Array([1, 0]), 3), { code: 'NON_POSITIVE_VARIANCE' });
  });
});
