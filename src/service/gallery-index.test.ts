import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cosineSimilarity } from '../core/cosine.js';
import { mutualLikelihoodScore } from '../core/mls.js';
import { SeededRandom } from '../core/random.js';
import { GalleryIndex, type SigmaLayout } from './gallery-index.js';
import type { SubjectTemplate } from '../verify/template.js';

function randomTemplate(rng: SeededRandom, dim: number, layout: SigmaLayout): SubjectTemplate {
  const mu = new Float32Array(dim);
  let n = 0;
  for (let l = 0; l < dim; l++) n += (mu[l] = rng.nextGaussian()) ** 2;
  for (let l = 0; l < dim; l++) mu[l]! /= Math.sqrt(n);
  const sigmaSq =
    layout === 'none' ? null : layout === 'isotropic' ? new Float32Array(dim).fill(0.01 + rng.nextFloat()) : Float32Array.from({ length: dim }, () => 0.01 + rng.nextFloat());
  return { mu, sigmaSq };
}

for (const layout of ['diagonal', 'isotropic', 'none'] as const) {
  const withSigma = layout !== 'none';
  test(`after random inserts, replacements and removals topK equals a brute-force ranking (σ² ${layout})`, () => {
    const dim = 16;
    const rng = new SeededRandom(layout.length);
    const index = new GalleryIndex(dim, layout, 2); // small capacity: exercises growth
    const model = new Map<string, SubjectTemplate>();
    for (let step = 0; step < 600; step++) {
      const id = `s${rng.nextUint32() % 80}`;
      if (rng.nextFloat() < 0.3) {
        index.remove(id);
        model.delete(id);
      } else {
        const t = randomTemplate(rng, dim, layout);
        index.set(id, t);
        model.set(id, t);
      }
    }
    assert.equal(index.size, model.size);
    const probe = randomTemplate(rng, dim, layout);
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
      if (withSigma) assert.ok(Math.abs(h.mls! - expected[i]!.mls!) < 1e-6 * Math.max(1, Math.abs(h.mls!)), `${h.mls} vs ${expected[i]!.mls}`);
      else assert.equal(h.mls, null);
      const back = index.get(h.subjectId)!;
      assert.deepEqual([...back.mu], [...model.get(h.subjectId)!.mu]);
      assert.deepEqual(back.sigmaSq === null ? null : [...back.sigmaSq], model.get(h.subjectId)!.sigmaSq === null ? null : [...model.get(h.subjectId)!.sigmaSq!]);
    });
  });
}

test('an empty index has no hits and a template of the wrong size is refused', () => {
  const index = new GalleryIndex(4, 'diagonal');
  assert.deepEqual(index.topK({ mu: new Float32Array([1, 0, 0, 0]), sigmaSq: new Float32Array(4).fill(1) }, 3), []);
  assert.throws(() => index.set('a', { mu: new Float32Array(3), sigmaSq: new Float32Array(3) }), /does not fit/);
  assert.throws(() => index.set('a', { mu: new Float32Array(4), sigmaSq: null }), /does not fit/);
  const iso = new GalleryIndex(2, 'isotropic');
  assert.throws(() => iso.set('a', { mu: new Float32Array([1, 0]), sigmaSq: new Float32Array([1, 2]) }), /varies/);
});
