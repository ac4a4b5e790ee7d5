import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cosineSimilarity } from '../core/cosine.js';
import { mutualLikelihoodScore } from '../core/mls.js';
import { SeededRandom } from '../core/random.js';
import { GalleryIndex } from './gallery-index.js';
import type { SubjectTemplate } from './template.js';

function randomTemplate(rng: SeededRandom, dim: number, withSigma: boolean): SubjectTemplate {
  const mu = new Float32Array(dim);
  let n = 0;
  for (let l = 0; l < dim; l++) n += (mu[l] = rng.nextGaussian()) ** 2;
  for (let l = 0; l < dim; l++) mu[l]! /= Math.sqrt(n);
  const sigmaSq = withSigma ? new Float32Array(dim).fill(0.01 + rng.nextFloat()) : null;
  return { mu, sigmaSq };
}

for (const withSigma of [true, false]) {
  test(`after random inserts, replacements and removals topK equals a brute-force ranking (${withSigma ? 'MLS' : 'cosine'})`, () => {
    const dim = 16;
    const rng = new SeededRandom(withSigma ? 1 : 2);
    const index = new GalleryIndex(dim, withSigma, 2); // small capacity: exercises growth
    const model = new Map<string, SubjectTemplate>();
    for (let step = 0; step < 600; step++) {
      const id = `s${rng.nextUint32() % 80}`;
      if (rng.nextFloat() < 0.3) {
        index.remove(id);
        model.delete(id);
      } else {
        const t = randomTemplate(rng, dim, withSigma);
        index.set(id, t);
        model.set(id, t);
      }
    }
    assert.equal(index.size, model.size);
    const probe = randomTemplate(rng, dim, withSigma);
    const hits = index.topK(probe, 5);
    const expected = [...model.entries()]
      .map(([id, t]) => ({
        id,
        cos: cosineSimilarity({ dim, mu: probe.mu }, { dim, mu: t.mu }),
        mls: withSigma ? mutualLikelihoodScore({ dim, mu: probe.mu, sigmaSq: probe.sigmaSq! }, { dim, mu: t.mu, sigmaSq: t.sigmaSq! }) : null,
      }))
      .sort((a, b) => (b.mls ?? b.cos) - (a.mls ?? a.cos))
      .slice(0, 5);
    assert.deepEqual(hits.map((h) => h.subjectId), expected.map((e) => e.id));
    hits.forEach((h, i) => {
      assert.ok(Math.abs(h.cosine - expected[i]!.cos) < 1e-9);
      if (withSigma) assert.ok(Math.abs(h.mls! - expected[i]!.mls!) < 1e-6);
      else assert.equal(h.mls, null);
    });
  });
}

test('an empty index has no hits and a template of the wrong size is refused', () => {
  const index = new GalleryIndex(4, true);
  assert.deepEqual(index.topK({ mu: new Float32Array([1, 0, 0, 0]), sigmaSq: new Float32Array(4).fill(1) }, 3), []);
  assert.throws(() => index.set('a', { mu: new Float32Array(3), sigmaSq: new Float32Array(3) }), /does not fit/);
  assert.throws(() => index.set('a', { mu: new Float32Array(4), sigmaSq: null }), /does not fit/);
});
