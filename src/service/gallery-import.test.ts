import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { SeededRandom } from '../core/random.js';
import { writeNpyFile } from '../io/npy-file.js';
import { importSubjects, readEmbeddingFolder } from './gallery-import.js';
import { SqliteGalleryStore } from './sqlite-gallery-store.js';

/** A `pfe embed`-shaped folder: people × faces images, one failed image, mu.npy + index.json. */
async function embeddingFolder(dir: string, people: number, facesEach: number, dim: number): Promise<void> {
  const rng = new SeededRandom(3);
  const images: { path: string; status: string; row?: number }[] = [];
  const mu = new Float32Array(people * facesEach * dim);
  for (let p = 0; p < people; p++) {
    for (let f = 0; f < facesEach; f++) {
      const row = p * facesEach + f;
      for (let l = 0; l < dim; l++) mu[row * dim + l] = rng.nextGaussian();
      images.push({ path: `lfw/person_${p}/person_${p}_000${f + 1}.jpg`, status: 'ok', row });
    }
  }
  images.push({ path: 'lfw/nobody/blank.jpg', status: 'failed' });
  await writeNpyFile(path.join(dir, 'mu.npy'), [people * facesEach, dim], mu);
  await writeFile(path.join(dir, 'index.json'), JSON.stringify({ images }));
}

test('bulk import: subjects from image folders, every face, in batches; a second run skips what is there', async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'pfe-import-'));
  try {
    const dim = 8;
    await embeddingFolder(root, 7, 2, dim);
    const subjects = await readEmbeddingFolder(root, dim, false);
    assert.equal(subjects.length, 7);
    assert.ok(subjects.every((s) => s.faces.length === 2 && s.faces[0]!.sigmaSq === null));
    const space = { dim, head: 'none' };
    const store = SqliteGalleryStore.open(path.join(root, 'data'), space);
    const batches: number[] = [];
    // an earlier run that stopped after 3 subjects
    await importSubjects(store, subjects.slice(0, 3), 2);
    const summary = await importSubjects(store, subjects, 3, (n) => batches.push(n));
    assert.deepEqual(summary, { imported: 4, skipped: 3, faces: 8 });
    assert.deepEqual(batches, [3, 6, 7]);
    assert.equal(await store.countSubjects(), 7);
    assert.equal((await store.getSubject('person_4'))!.faces.length, 2);
    assert.equal(await store.countTemplates(), 7);
    await store.close();
    await assert.rejects(readEmbeddingFolder(root, dim + 1, false), { code: 'DIMENSION_MISMATCH' });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
