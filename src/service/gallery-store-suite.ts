/**
 * The tests every GalleryStore passes (SQLite in gallery-store.test.ts, PostgreSQL in
 * postgres/postgres-gallery-store.test.ts): same behaviour, same errors, whatever the
 * database.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FusionRule } from '../core/fusion.js';
import { SeededRandom } from '../core/random.js';
import { type GalleryErrorKind, isGalleryError } from './gallery-errors.js';
import type { EmbeddingSpace, GalleryStore, NewFace } from './gallery-store.js';
import { fuseTemplate } from '../verify/template.js';

/** Dimension of the suite's synthetic embeddings (small: the stores do not care about D). */
export const SUITE_DIM = 8;

/** A fresh, empty gallery location (a folder, a database) that can be opened several times. */
export interface StoreLocation {
  open(space: EmbeddingSpace, fusionRule?: FusionRule): Promise<GalleryStore>;
  dispose(): Promise<void>;
}

/** A seeded synthetic face (unit mu; σ² in [0.05, 1.05) or none). */
export function syntheticFace(rng: SeededRandom, withSigma = true, dim = SUITE_DIM): NewFace {
  const mu = new Float32Array(dim);
  let n = 0;
  for (let l = 0; l < dim; l++) n += (mu[l] = rng.nextGaussian()) ** 2;
  for (let l = 0; l < dim; l++) mu[l]! /= Math.sqrt(n);
  const sigmaSq = withSigma ? Float32Array.from({ length: dim }, () => 0.05 + rng.nextFloat()) : null;
  return { mu, sigmaSq, uncertainty: 0.3, detectorScore: 0.9 };
}

async function rejectsWith(p: Promise<unknown>, kind: GalleryErrorKind, message?: RegExp): Promise<void> {
  await assert.rejects(p, (e) => {
    assert.ok(isGalleryError(e, kind), `expected GalleryError ${kind}, got ${String(e)}`);
    if (message !== undefined) assert.match(e.message, message);
    return true;
  });
}

/**
 * Registers the suite's tests.
 * @param name which store, for the test names
 * @param fresh a new empty location per test
 * @param skip a reason to skip every test (e.g. no PostgreSQL here), or undefined
 */
export function galleryStoreSuite(name: string, fresh: () => Promise<StoreLocation>, skip?: string): void {
  const space: EmbeddingSpace = { dim: SUITE_DIM, head: 'abc' };
  const it = (title: string, body: (where: StoreLocation) => Promise<void>): void => {
    test(`${name}: ${title}`, skip === undefined ? {} : { skip }, async () => {
      const where = await fresh();
      try {
        await body(where);
      } finally {
        await where.dispose();
      }
    });
  };

  it('faces fuse into the stored template; reopening keeps everything; deleting a subject removes its faces', async (where) => {
    const rng = new SeededRandom(4);
    let store = await where.open(space);
    try {
      await store.createSubject('alice', 'Alice');
      const generated = await store.createSubject(undefined, null);
      assert.match(generated.id, /^[0-9a-f-]{36}$/);
      await rejectsWith(store.createSubject('alice', null), 'SUBJECT_EXISTS');
      await rejectsWith(store.createSubject('bad id!', null), 'INVALID_SUBJECT');
      const faces = [syntheticFace(rng), syntheticFace(rng), syntheticFace(rng)];
      for (const [i, f] of faces.entries()) {
        const added = await store.addFace('alice', f);
        assert.equal(added.subject.faceCount, i + 1);
        assert.deepEqual([...added.change.template!.mu], [...fuseTemplate(faces.slice(0, i + 1), 'min').mu]);
      }
      // An image is kept only when the caller passes one (the operator's --store-images).
      await store.createSubject('withImage', null);
      const kept = await store.addFace('withImage', { ...syntheticFace(rng), image: Uint8Array.of(1, 2, 3) });
      assert.equal(kept.face.imageStored, true);
      assert.deepEqual((await store.getSubject('withImage'))!.faces.map((f) => f.imageStored), [true]);
      assert.deepEqual((await store.getSubject('alice'))!.faces.map((f) => f.imageStored), [false, false, false]);
      assert.deepEqual(await store.deleteSubject('withImage'), { subjectId: 'withImage', template: null });
      await rejectsWith(store.addFace('bob', syntheticFace(rng)), 'SUBJECT_NOT_FOUND');
    } finally {
      await store.close();
    }

    store = await where.open(space);
    try {
      const rng2 = new SeededRandom(4);
      const faces = [syntheticFace(rng2), syntheticFace(rng2), syntheticFace(rng2)];
      const fused = fuseTemplate(faces, 'min');
      const t = (await store.getTemplate('alice'))!;
      assert.deepEqual([...t.mu], [...fused.mu]);
      assert.deepEqual([...t.sigmaSq!], [...fused.sigmaSq!]);
      const got = (await store.getSubject('alice'))!;
      assert.equal(got.subject.name, 'Alice');
      assert.equal(got.subject.faceCount, 3);
      assert.equal(got.faces.length, 3);
      assert.equal(await store.countSubjects(), 2);
      assert.equal(await store.countTemplates(), 1);
      const rows = [];
      for await (const r of store.templates()) rows.push(r.subjectId);
      assert.deepEqual(rows, ['alice']);

      // Deleting one face refits the template from the other two.
      const change = await store.deleteFace('alice', got.faces[0]!.id);
      assert.deepEqual([...change.template!.mu], [...fuseTemplate(faces.slice(1), 'min').mu]);
      assert.equal((await store.getSubject('alice'))!.faces.length, 2);
      await rejectsWith(store.deleteFace('alice', got.faces[0]!.id), 'FACE_NOT_FOUND');
      await rejectsWith(store.deleteFace('nobody', got.faces[1]!.id), 'SUBJECT_NOT_FOUND');
      // Deleting the last faces clears the template, and the subject stays.
      for (const f of got.faces.slice(1)) await store.deleteFace('alice', f.id);
      assert.equal(await store.getTemplate('alice'), null);
      assert.equal(await store.countTemplates(), 0);

      await store.deleteSubject('alice');
      await rejectsWith(store.deleteSubject('alice'), 'SUBJECT_NOT_FOUND');
      assert.equal(await store.getSubject('alice'), undefined);
      assert.equal(await store.getTemplate('alice'), undefined);
      assert.equal(await store.hasSubject('alice'), false);
      await store.ping();
    } finally {
      await store.close();
    }
  });

  it('a gallery made with another head, dimension or fusion rule is refused', async (where) => {
    await (await where.open(space)).close();
    await rejectsWith(where.open({ dim: SUITE_DIM, head: 'none' }), 'STORE_REFUSED', /head = abc/);
    await rejectsWith(where.open({ dim: 4, head: 'abc' }), 'STORE_REFUSED', /dim = 8/);
    await rejectsWith(where.open(space, 'product'), 'STORE_REFUSED', /fusion = min/);
  });

  it('without σ² faces fuse to the normalised mean and the template has no σ²', async (where) => {
    const rng = new SeededRandom(9);
    const store = await where.open({ dim: SUITE_DIM, head: 'none' });
    try {
      await store.createSubject('x', null);
      const a = syntheticFace(rng, false);
      const b = syntheticFace(rng, false);
      await store.addFace('x', a);
      await store.addFace('x', b);
      const t = (await store.getTemplate('x'))!;
      assert.equal(t.sigmaSq, null);
      const mean = a.mu.map((v, l) => v + b.mu[l]!);
      const norm = Math.hypot(...mean);
      t.mu.forEach((v, l) => assert.ok(Math.abs(v - mean[l]! / norm) < 1e-6));
    } finally {
      await store.close();
    }
  });

  it('ids page in bytewise order; bad ids and names are refused; names keep every code point', async (where) => {
    const store = await where.open(space);
    try {
      for (const id of ['b', 'B', 'a', 'a.b', 'a-b', 'a_b', 'Z9', '...']) await store.createSubject(id, null);
      const all: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await store.listSubjects(3, after);
        all.push(...page.map((s) => s.id));
        if (page.length < 3) break;
        after = page[page.length - 1]!.id;
      }
      assert.deepEqual(all, ['...', 'B', 'Z9', 'a', 'a-b', 'a.b', 'a_b', 'b']);
      for (const id of ['.', '..', '', 'x'.repeat(129), 'é']) await rejectsWith(store.createSubject(id, null), 'INVALID_SUBJECT');
      await rejectsWith(store.createSubject('s1', 'a\uD800b'), 'INVALID_SUBJECT', /lone surrogate/);
      await rejectsWith(store.createSubject('s2', 'x'.repeat(257)), 'INVALID_SUBJECT');
      await rejectsWith(store.createSubject('s4', 'a\u0000b'), 'INVALID_SUBJECT', /U\+0000/);
      await store.createSubject('s3', 'Zoë 😀 \u0001');
      assert.equal((await store.getSubject('s3'))!.subject.name, 'Zoë 😀 \u0001');
    } finally {
      await store.close();
    }
  });

  it('bulk insertion: every subject with all its faces in one transaction; subjects present are skipped; a failure inserts nothing', async (where) => {
    const rng = new SeededRandom(23);
    const store = await where.open(space);
    try {
      const faces = [3, 1, 2].map((n) => Array.from({ length: n }, () => syntheticFace(rng)));
      const first = await store.insertNewSubjects(faces.map((f, i) => ({ id: `bulk${i}`, name: i === 0 ? 'Bulk Zero' : null, faces: f })));
      assert.deepEqual(first.skipped, []);
      assert.deepEqual(first.changes.map((c) => c.subjectId), ['bulk0', 'bulk1', 'bulk2']);
      for (const [i, f] of faces.entries()) {
        const got = (await store.getSubject(`bulk${i}`))!;
        assert.equal(got.subject.faceCount, f.length);
        assert.equal(got.faces.length, f.length);
        const stored = (await store.getTemplate(`bulk${i}`))!;
        // The change handed back is the stored template (what the in-memory index gets).
        assert.deepEqual([...first.changes[i]!.template!.mu], [...stored.mu]);
        const expected = fuseTemplate(f, 'min');
        stored.mu.forEach((v, l) => assert.ok(Math.abs(v - expected.mu[l]!) < 1e-5, `bulk${i} mu[${l}]`));
      }
      assert.equal((await store.getSubject('bulk0'))!.subject.name, 'Bulk Zero');
      assert.equal(await store.countTemplates(), 3);

      // A second call with two known ids: those are left alone (not merged), the new one goes in.
      const again = await store.insertNewSubjects([
        { id: 'bulk1', name: null, faces: [syntheticFace(rng)] },
        { id: 'bulk3', name: null, faces: [syntheticFace(rng), syntheticFace(rng)] },
        { id: 'bulk0', name: null, faces: [] },
      ]);
      assert.deepEqual(again.skipped, ['bulk1', 'bulk0']);
      assert.deepEqual(again.changes.map((c) => c.subjectId), ['bulk3']);
      assert.equal((await store.getSubject('bulk1'))!.subject.faceCount, 1);
      assert.equal((await store.getSubject('bulk3'))!.subject.faceCount, 2);

      // A face the template fusion refuses (NaN σ²) in the last subject: the whole call is rolled back.
      const bad = { ...syntheticFace(rng), sigmaSq: new Float32Array(SUITE_DIM).fill(Number.NaN) };
      await assert.rejects(
        store.insertNewSubjects([
          { id: 'gone1', name: null, faces: [syntheticFace(rng), syntheticFace(rng)] },
          { id: 'gone2', name: null, faces: [syntheticFace(rng), bad] },
        ]),
      );
      assert.equal(await store.hasSubject('gone1'), false, 'a subject before the failure was committed');
      assert.equal(await store.hasSubject('gone2'), false);
      assert.equal(await store.countSubjects(), 4);
      assert.equal(await store.countTemplates(), 4);

      // An id twice in one call, or an invalid id, is refused before anything is written.
      await rejectsWith(store.insertNewSubjects([{ id: 'twice', name: null, faces: [] }, { id: 'twice', name: null, faces: [syntheticFace(rng)] }]), 'INVALID_SUBJECT', /twice/);
      await rejectsWith(store.insertNewSubjects([{ id: 'fine', name: null, faces: [] }, { id: 'bad id', name: null, faces: [] }]), 'INVALID_SUBJECT');
      assert.equal(await store.hasSubject('fine'), false);
      assert.equal(await store.hasSubject('twice'), false);
    } finally {
      await store.close();
    }
  });

  it('concurrent enrolments of one subject all end up in its template', async (where) => {
    const rng = new SeededRandom(17);
    const store = await where.open(space);
    try {
      await store.createSubject('busy', null);
      const faces = Array.from({ length: 8 }, () => syntheticFace(rng));
      await Promise.all(faces.map((f) => store.addFace('busy', f)));
      const got = (await store.getSubject('busy'))!;
      assert.equal(got.subject.faceCount, 8);
      assert.equal(got.faces.length, 8);
      // The stored template is the fusion of all eight faces (order-free for the min rule up to rounding).
      const t = (await store.getTemplate('busy'))!;
      const expected = fuseTemplate(faces, 'min');
      t.mu.forEach((v, l) => assert.ok(Math.abs(v - expected.mu[l]!) < 1e-5, `mu[${l}] ${v} vs ${expected.mu[l]}`));
    } finally {
      await store.close();
    }
  });
}
