import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { SeededRandom } from '../core/random.js';
import { ApiError } from './api-error.js';
import { GALLERY_FILE_NAME, GalleryStore, type NewFace } from './gallery-store.js';
import { fuseTemplate } from './template.js';

const DIM = 8;

function face(rng: SeededRandom, withSigma = true): NewFace {
  const mu = new Float32Array(DIM);
  let n = 0;
  for (let l = 0; l < DIM; l++) n += (mu[l] = rng.nextGaussian()) ** 2;
  for (let l = 0; l < DIM; l++) mu[l]! /= Math.sqrt(n);
  const sigmaSq = withSigma ? Float32Array.from({ length: DIM }, () => 0.05 + rng.nextFloat()) : null;
  return { mu, sigmaSq, uncertainty: 0.3, detectorScore: 0.9 };
}

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'pfe-gallery-'));
}

test('faces fuse into the stored template; reopening keeps everything; deleting a subject removes its faces', () => {
  const dir = tempDir();
  try {
    const rng = new SeededRandom(4);
    let store = GalleryStore.open(dir, { dim: DIM, head: 'abc' });
    store.createSubject('alice', 'Alice');
    store.createSubject(undefined, null);
    assert.throws(() => store.createSubject('alice', null), (e) => e instanceof ApiError && e.code === 'SUBJECT_EXISTS' && e.status === 409);
    assert.throws(() => store.createSubject('bad id!', null), (e) => e instanceof ApiError && e.status === 400);
    const faces = [face(rng), face(rng), face(rng)];
    for (const f of faces) store.addFace('alice', f);
    // An image is kept only when the caller passes one (the operator's --store-images).
    store.createSubject('withImage', null);
    const kept = store.addFace('withImage', { ...face(rng), image: Uint8Array.of(1, 2, 3) });
    assert.equal(kept.face.imageStored, true);
    assert.deepEqual(store.getSubject('withImage')!.faces.map((f) => f.imageStored), [true]);
    assert.deepEqual(store.getSubject('alice')!.faces.map((f) => f.imageStored), [false, false, false]);
    store.deleteSubject('withImage');
    assert.throws(() => store.addFace('bob', face(rng)), (e) => e instanceof ApiError && e.code === 'SUBJECT_NOT_FOUND');
    const expected = fuseTemplate(faces, 'min');
    store.close();

    store = GalleryStore.open(dir, { dim: DIM, head: 'abc' });
    const t = store.getTemplate('alice')!;
    assert.deepEqual([...t.mu], [...expected.mu]);
    assert.deepEqual([...t.sigmaSq!], [...expected.sigmaSq!]);
    const got = store.getSubject('alice')!;
    assert.equal(got.subject.faceCount, 3);
    assert.equal(got.faces.length, 3);
    assert.equal(store.countSubjects(), 2);
    assert.deepEqual([...store.templates()].map((r) => r.subjectId), ['alice']);

    // Deleting one face refits the template from the other two.
    store.deleteFace('alice', got.faces[0]!.id);
    const two = store.getTemplate('alice')!;
    const remaining = store.getSubject('alice')!.faces.length;
    assert.equal(remaining, 2);
    assert.notDeepEqual([...two.mu], [...expected.mu]);

    assert.equal(store.deleteSubject('alice'), true);
    assert.equal(store.deleteSubject('alice'), false);
    assert.equal(store.getSubject('alice'), undefined);
    assert.equal(store.integrityCheck(), 'ok');
    store.close();

    // No byte of a deleted face's embedding is left in the database files (secure_delete + checkpoint).
    const needle = Buffer.from(faces[1]!.mu.buffer);
    for (const suffix of ['', '-wal']) {
      const file = path.join(dir, GALLERY_FILE_NAME + suffix);
      if (existsSync(file)) assert.equal(readFileSync(file).indexOf(needle), -1, `deleted embedding found in ${file}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a gallery made with another head or dimension is refused', () => {
  const dir = tempDir();
  try {
    GalleryStore.open(dir, { dim: DIM, head: 'abc' }).close();
    assert.throws(() => GalleryStore.open(dir, { dim: DIM, head: 'none' }), /head = abc/);
    assert.throws(() => GalleryStore.open(dir, { dim: 4, head: 'abc' }), /dim = 8/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without σ² faces fuse to the normalised mean and the template has no σ²', () => {
  const dir = tempDir();
  try {
    const rng = new SeededRandom(9);
    const store = GalleryStore.open(dir, { dim: DIM, head: 'none' });
    store.createSubject('x', null);
    const a = face(rng, false);
    const b = face(rng, false);
    store.addFace('x', a);
    store.addFace('x', b);
    const t = store.getTemplate('x')!;
    assert.equal(t.sigmaSq, null);
    const mean = a.mu.map((v, l) => v + b.mu[l]!);
    const norm = Math.hypot(...mean);
    t.mu.forEach((v, l) => assert.ok(Math.abs(v - mean[l]! / norm) < 1e-6));
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("deleting one face leaves no copy of its embedding in the WAL or the database file", () => {
  const dir = tempDir();
  try {
    const rng = new SeededRandom(21);
    const store = GalleryStore.open(dir, { dim: DIM, head: 'abc' });
    store.createSubject('w', null);
    const kept = face(rng);
    const gone = face(rng);
    store.addFace('w', kept);
    const added = store.addFace('w', gone);
    const needle = Buffer.from(gone.mu.buffer, gone.mu.byteOffset, gone.mu.byteLength);
    const files = (): Buffer => Buffer.concat(['', '-wal'].map((s) => path.join(dir, GALLERY_FILE_NAME + s)).filter((f) => existsSync(f)).map((f) => readFileSync(f)));
    assert.ok(files().includes(needle), 'the test can see the embedding while it is stored');
    store.deleteFace('w', added.face.id);
    assert.ok(!files().includes(needle), 'fragments of the deleted embedding remain on disk');
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
