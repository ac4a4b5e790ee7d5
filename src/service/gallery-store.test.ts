/**
 * The SQLite gallery: the shared store suite, plus what is SQLite's own (files on disk,
 * the WAL, integrity).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { SeededRandom } from '../core/random.js';
import { galleryStoreSuite, SUITE_DIM, syntheticFace } from './gallery-store-suite.js';
import { GALLERY_FILE_NAME, SqliteGalleryStore } from './sqlite-gallery-store.js';

galleryStoreSuite('SQLite', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pfe-gallery-'));
  return {
    open: async (space, rule) => SqliteGalleryStore.open(dir, space, rule),
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

test('SQLite: deleting a face or a subject leaves no copy of its embedding in the WAL or the database file', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pfe-gallery-'));
  try {
    const rng = new SeededRandom(21);
    const store = SqliteGalleryStore.open(dir, { dim: SUITE_DIM, head: 'abc' });
    await store.createSubject('w', null);
    const kept = syntheticFace(rng);
    const gone = syntheticFace(rng);
    await store.addFace('w', kept);
    const added = await store.addFace('w', gone);
    const bytes = (f: Float32Array): Buffer => Buffer.from(f.buffer, f.byteOffset, f.byteLength);
    const files = (): Buffer => Buffer.concat(['', '-wal'].map((s) => path.join(dir, GALLERY_FILE_NAME + s)).filter((f) => existsSync(f)).map((f) => readFileSync(f)));
    assert.ok(files().includes(bytes(gone.mu)), 'the test can see the embedding while it is stored');
    await store.deleteFace('w', added.face.id);
    assert.ok(!files().includes(bytes(gone.mu)), 'fragments of the deleted face remain on disk');
    assert.ok(files().includes(bytes(kept.mu)));
    await store.deleteSubject('w');
    assert.ok(!files().includes(bytes(kept.mu)), 'fragments of the deleted subject remain on disk');
    assert.equal(store.integrityCheck(), 'ok');
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
