import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { embeddingAt, gaussianBatch } from './embedding.js';
import { PfeError } from './errors.js';
import { mlsReferenceScan, mlsScan } from './mls.js';
import { mlsReferenceScanPrepared, mlsScanPrepared, prepareGallery } from './prepared-gallery.js';
import { SeededRandom } from './random.js';

function randomBatch(rng: SeededRandom, count: number, dim: number) {
  const mu = new Float32Array(count * dim).map(() => rng.nextGaussian());
  const sigmaSq = new Float32Array(count * dim).map(() => 10 ** (-4 + 3 * rng.nextFloat()));
  return gaussianBatch(mu, sigmaSq, dim);
}

describe('prepared gallery', () => {
  const rng = new SeededRandom(11);
  const gallery = randomBatch(rng, 50, 64);
  const probes = randomBatch(rng, 3, 64);

  it('scores exactly as the checked scan', () => {
    const prepared = prepareGallery(gallery);
    for (let i = 0; i < probes.count; i++) {
      const p = embeddingAt(probes, i);
      assert.deepEqual(mlsScanPrepared(p, prepared), mlsScan(p, gallery));
      assert.deepEqual(mlsReferenceScanPrepared(p, prepared, new Float32Array(50)), mlsReferenceScan(p, gallery, new Float32Array(50)));
    }
  });

  it('keeps its own copy: later changes to the caller arrays do not reach it', () => {
    const mu = gallery.mu.slice();
    const sigmaSq = gallery.sigmaSq.slice();
    const prepared = prepareGallery(gaussianBatch(mu, sigmaSq, 64));
    const p = embeddingAt(probes, 0);
    const before = mlsScanPrepared(p, prepared);
    sigmaSq[5] = -1;
    mu[7] = Number.NaN;
    assert.deepEqual(mlsScanPrepared(p, prepared), before);
  });

  it('rejects a bad gallery at preparation, a bad probe at scan time, and foreign objects', () => {
    const sigmaSq = gallery.sigmaSq.slice();
    sigmaSq[70] = 0;
    assert.throws(() => prepareGallery({ ...gallery, sigmaSq }), (e: unknown) => e instanceof PfeError && e.code === 'NON_POSITIVE_VARIANCE' && /gallery\.sigmaSq\[1\]\[6\]/.test(e.message));
    const prepared = prepareGallery(gallery);
    const bad = { dim: 64, mu: new Float32Array(64).fill(Number.NaN), sigmaSq: new Float32Array(64).fill(1) };
    assert.throws(() => mlsScanPrepared(bad, prepared), (e: unknown) => e instanceof PfeError && e.code === 'NON_FINITE');
    const short = { dim: 32, mu: new Float32Array(32), sigmaSq: new Float32Array(32).fill(1) };
    assert.throws(() => mlsScanPrepared(short, prepared), (e: unknown) => e instanceof PfeError && e.code === 'DIMENSION_MISMATCH');
    assert.throws(() => mlsScanPrepared(embeddingAt(probes, 0), { count: 50, dim: 64 }), (e: unknown) => e instanceof PfeError && e.code === 'INVALID_ARGUMENT');
  });
});
