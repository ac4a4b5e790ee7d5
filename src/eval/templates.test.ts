import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTemplates, fusedTemplateScorer, meanTemplateScorer, validMembers } from './templates.js';
import { gaussianBatchFromRows } from '../core/embedding.js';

describe('buildTemplates', () => {
  const people = [
    { fold: 0, images: [0, 1, 2, 3, 4, 5] },
    { fold: 0, images: [6, 7] },
    { fold: 0, images: [8, 9, 10] },
    { fold: 1, images: [11, 12, 13, 14] },
    { fold: 1, images: [15, 16] },
    { fold: 1, images: [17] }, // one image: no template
  ];
  const options = { maxSize: 3, degradedProbability: 0.5, degradedVersions: 2, impostorsPerPerson: 5, minImages: 2, draws: 1, seed: 3 };
  const k = 18;
  const t = buildTemplates(people, k, 2, options);

  it('two disjoint templates of one person per genuine pair, sized 1..min(maxSize, half)', () => {
    assert.equal(t.members.length, 10);
    for (let p = 0; p < t.pairs.a.length; p++) {
      if (t.pairs.labels[p] !== 1) continue;
      const a = t.members[t.pairs.a[p]!]!.map((r) => r % k);
      const b = t.members[t.pairs.b[p]!]!.map((r) => r % k);
      const person = people.find((q) => q.images.includes(a[0]!))!;
      for (const i of [...a, ...b]) assert.ok(person.images.includes(i));
      assert.equal(new Set([...a, ...b]).size, a.length + b.length);
      assert.ok(a.length >= 1 && a.length <= Math.min(3, Math.floor(person.images.length / 2)));
    }
  });

  it('impostor pairs stay inside a fold and use distinct people', () => {
    const personOf = (tpl: number): number => people.findIndex((q) => q.images.includes(t.members[tpl]![0]! % k));
    let impostors = 0;
    for (let p = 0; p < t.pairs.a.length; p++) {
      if (t.pairs.labels[p] === 1) continue;
      impostors++;
      const pa = personOf(t.pairs.a[p]!);
      const pb = personOf(t.pairs.b[p]!);
      assert.notEqual(pa, pb);
      assert.equal(people[pa]!.fold, people[pb]!.fold);
      assert.equal(t.pairs.folds!.index[p], people[pa]!.fold);
    }
    // Fold 0 has 3 people (2 others each), fold 1 has 2 with templates (1 other each).
    assert.equal(impostors, 3 * 2 + 2 * 1);
  });

  it('keeps only people with enough images and repeats the draw', () => {
    const t2 = buildTemplates(people, k, 2, { ...options, minImages: 3, draws: 2 });
    // People with ≥ 3 images: 0, 2, 3 → 3 people × 2 templates × 2 draws.
    assert.equal(t2.members.length, 12);
    assert.equal(t2.pairs.labels.reduce((n, l) => n + l, 0), 6);
  });

  it('is deterministic in the seed and draws degraded versions', () => {
    assert.deepEqual(buildTemplates(people, k, 2, options), t);
    assert.notDeepEqual(buildTemplates(people, k, 2, { ...options, seed: 4 }).members, t.members);
    const rows = t.members.flat();
    assert.ok(rows.some((r) => r >= k) && rows.every((r) => r < 3 * k));
    assert.ok(buildTemplates(people, k, 2, { ...options, degradedProbability: 0 }).members.flat().every((r) => r < k));
  });
});

describe('template scorers', () => {
  // Template 0: a clean image along x and a degraded one pointing elsewhere with a large σ².
  // Template 1: one clean image along x.
  const g = gaussianBatchFromRows(
    [
      [1, 0, 0],
      [0, 0, 1],
      [1, 0, 0],
    ],
    [0.01, 10, 0.01],
  );
  const members = [[0, 1], [2]];
  const a = new Int32Array([0]);
  const b = new Int32Array([1]);
  it('PFE fusion ignores the uncertain member; averaging does not', () => {
    const mean = meanTemplateScorer(g, members)(a, b, undefined)[0]!;
    assert.ok(Math.abs(mean - Math.SQRT1_2) < 1e-6, String(mean));
    const fused = fusedTemplateScorer(() => g, members, 'product', 'cosine')(a, b, undefined)[0]!;
    // Precision-weighted mean: (x/0.01 + z/10) / (1/0.01 + 1/10) → cosine 100/sqrt(100² + 0.1²).
    assert.ok(Math.abs(fused - 100 / Math.hypot(100, 0.1)) < 1e-6, String(fused));
    const mls = fusedTemplateScorer(() => g, members, 'min', 'mls')(a, b, undefined)[0]!;
    assert.ok(Number.isFinite(mls));
  });
  it('centring applies before averaging', () => {
    const c = meanTemplateScorer(g, members, () => new Float32Array([1, 0, 0]))(new Int32Array([0]), new Int32Array([0]), undefined)[0]!;
    assert.ok(Math.abs(c - 1) < 1e-6);
  });
  it('drops failed members and flags empty templates', () => {
    const v = validMembers([[0, 1], [2]], new Uint8Array([0, 1, 1]));
    assert.deepEqual(v.members[0], [0]);
    assert.deepEqual(Array.from(v.failed), [0, 1]);
  });
});
