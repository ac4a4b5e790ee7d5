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
    const index = new GalleryIndex(dim, layout);
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
      // float32 tolerance: the wasm kernels sum in float32 lanes
      assert.ok(Math.abs(h.cosine - expected[i]!.cos) < 1e-6);
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

test('search runs on the scan workers and answers as topK; changes made during a search wait for it and are then seen', async () => {
  const dim = 21;
  for (const layout of ['diagonal', 'isotropic', 'none'] as const) {
    const rng = new SeededRandom(7 + layout.length);
    // small shards so the rows spread over several shards and both workers
    const index = new GalleryIndex(dim, layout);
    for (let i = 0; i < 900; i++) index.set(`s${i}`, randomTemplate(rng, dim, layout));
    for (let i = 0; i < 900; i += 7) index.remove(`s${i}`);
    const probe = randomTemplate(rng, dim, layout);
    const inThread = index.topK(probe, 10);
    const searching = index.search(probe, 10);
    // a change while the search runs: queued, visible to get/size at once, applied after
    const extra = randomTemplate(rng, dim, layout);
    index.set('late', extra);
    index.remove('s1');
    assert.equal(index.get('s1'), undefined);
    assert.deepEqual([...index.get('late')!.mu], [...extra.mu]);
    const sizeNow = index.size;
    const hits = await searching;
    assert.deepEqual(hits, inThread);
    assert.equal(index.size, sizeNow);
    // the next search sees the applied changes (by cosine, 'late' is its own best match)
    const after = await index.search({ mu: extra.mu, sigmaSq: null }, 3);
    assert.equal(after[0]!.subjectId, 'late');
    assert.deepEqual(await index.search(extra, 5), index.topK(extra, 5));
    assert.ok(!index.subjectIds().includes('s1'));
  }
});
