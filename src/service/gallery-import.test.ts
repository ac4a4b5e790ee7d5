import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { SeededRandom } from '../core/random.js';
import { writeNpyFile } from '../io/npy-file.js';
import { MU_CENTRED_FILE, SIGMA_SQ_FILE } from '../io/embedding-folder.js';
import { checkedImportFace, importSubjects, mergeSubjects, readEmbeddingFolder } from './gallery-import.js';
import { SqliteGalleryStore } from './sqlite-gallery-store.js';

/** Runs `body` with a fresh temporary folder, removed afterwards. */
async function inTempDir(body: (root: string) => Promise<void>): Promise<void> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'pfe-import-'));
  try {
    await body(root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** The head a gallery of the tests below was made with (a made-up file name and hash). */
const HEAD = { file: 'h.pfehead', sha256: 'ab'.repeat(32) };

/** Records `head` in the folder's index.json, as `pfe embed --head` does; returns it. */
async function withHead(dir: string, head: { file: string; sha256?: string }): Promise<typeof HEAD> {
  const file = path.join(dir, 'index.json');
  const index = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  await writeFile(file, JSON.stringify({ ...index, head: { ...head, sigmaSq: SIGMA_SQ_FILE, muCentred: MU_CENTRED_FILE } }));
  return HEAD;
}

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

test('bulk import: subjects from image folders, every face, in batches; a second run skips what is there', () =>
  inTempDir(async (root) => {
    const dim = 8;
    await embeddingFolder(root, 7, 2, dim);
    const subjects = await readEmbeddingFolder(root, { dim, layout: 'none', head: null });
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
    await assert.rejects(readEmbeddingFolder(root, { dim: dim + 1, layout: 'none', head: null }), { code: 'DIMENSION_MISMATCH' });
  }));

test('bulk import: a person in two folders keeps the faces of both; faces are checked as the service checks them', () =>
  inTempDir(async (root) => {
    const dim = 8;
    const [a, b] = [path.join(root, 'a'), path.join(root, 'b')];
    for (const dir of [a, b]) {
      await mkdir(dir);
      await embeddingFolder(dir, 2, 1, dim);
    }
    const space = { dim, layout: 'none' } as const;
    const subjects = mergeSubjects([await readEmbeddingFolder(a, { ...space, head: null }), await readEmbeddingFolder(b, { ...space, head: null })]);
    assert.deepEqual(subjects.map((s) => [s.id, s.faces.length]), [['person_0', 2], ['person_1', 2]]);
    const store = SqliteGalleryStore.open(path.join(root, 'data'), { dim, head: 'none' });
    assert.deepEqual(await importSubjects(store, subjects, 1), { imported: 2, skipped: 0, faces: 4 });
    assert.equal((await store.getSubject('person_1'))!.subject.faceCount, 2);
    await store.close();

    // One σ² per face for a scalar-σ² head (its index keeps one value per template), D values > 0.
    const rng = new SeededRandom(5);
    const mu = Float32Array.from({ length: dim }, () => rng.nextGaussian());
    const iso = { dim, layout: 'isotropic' } as const;
    assert.equal(checkedImportFace(mu, new Float32Array(dim).fill(0.5), 0.9, iso).uncertainty, 0.5);
    assert.throws(() => checkedImportFace(mu, Float32Array.from({ length: dim }, (_, l) => 0.5 + l), null, iso), /sigmaSq\[1\] = 1\.5 differs from sigmaSq\[0\] = 0\.5/);
    assert.throws(() => checkedImportFace(mu, new Float32Array(dim).fill(-1), null, { dim, layout: 'diagonal' }), { code: 'NON_POSITIVE_VARIANCE' });
    assert.throws(() => checkedImportFace(mu, null, null, iso), /sigmaSq is missing/);
    assert.throws(() => checkedImportFace(mu, new Float32Array(dim).fill(1), null, space), /no uncertainty head/);
    assert.throws(() => checkedImportFace(mu.subarray(1), null, null, space), { code: 'DIMENSION_MISMATCH' });
    assert.throws(() => checkedImportFace(Float32Array.of(...mu.subarray(1), Number.NaN), null, null, space), { code: 'NON_FINITE', message: /mu\[7\] is NaN/ });
    assert.throws(() => checkedImportFace(mu, null, 1.5, space), /detectorScore is 1\.5/);
    // A folder whose σ² varies over dimensions is refused for an isotropic gallery, naming folder and row.
    await writeNpyFile(path.join(a, MU_CENTRED_FILE), [2, dim], new Float32Array(2 * dim).fill(0.1));
    await writeNpyFile(path.join(a, SIGMA_SQ_FILE), [2, dim], Float32Array.from({ length: 2 * dim }, (_, i) => (i < dim ? 1 : 1 + i)));
    const head = await withHead(a, HEAD);
    await assert.rejects(readEmbeddingFolder(a, { ...iso, head }), (e: unknown) => e instanceof Error && e.message.startsWith(`${a}: row 1 (lfw/person_1/person_1_0001.jpg): sigmaSq[1]`));
  }));

test('bulk import: a folder embedded by another head, or by none, is refused for a gallery with a head', () =>
  inTempDir(async (root) => {
    const dim = 8;
    await embeddingFolder(root, 2, 1, dim);
    await writeNpyFile(path.join(root, MU_CENTRED_FILE), [2, dim], new Float32Array(2 * dim).fill(0.1));
    await writeNpyFile(path.join(root, SIGMA_SQ_FILE), [2, dim], new Float32Array(2 * dim).fill(0.5));
    const space = { dim, layout: 'isotropic', head: HEAD } as const;
    // No head recorded: its rows would be raw backbone μ, not the head's centred μ.
    await assert.rejects(readEmbeddingFolder(root, space), { code: 'BACKBONE_MISMATCH', message: /embedded without an uncertainty head.*--head h\.pfehead/ });
    // Another head: refused, naming both.
    await withHead(root, { file: 'other.pfehead', sha256: 'cd'.repeat(32) });
    await assert.rejects(readEmbeddingFolder(root, space), { code: 'BACKBONE_MISMATCH', message: /head other\.pfehead \(sha256 cdcdcdcdcdcd…\), the gallery with head h\.pfehead \(abababababab…\)/ });
    // The same head, and a folder written before the hash was recorded (file only): read.
    await withHead(root, HEAD);
    assert.equal((await readEmbeddingFolder(root, space)).length, 2);
    await withHead(root, { file: 'h.pfehead' });
    assert.equal((await readEmbeddingFolder(root, space)).length, 2);
    // A gallery without a head reads the raw mu.npy of any folder.
    assert.equal((await readEmbeddingFolder(root, { dim, layout: 'none', head: null })).length, 2);
  }));

test('bulk import: a folder without index.json, or with a broken one, is a clear error naming the file', () =>
  inTempDir(async (root) => {
    const space = { dim: 8, layout: 'none', head: null } as const;
    await assert.rejects(readEmbeddingFolder(root, space), { code: 'IO_ERROR', message: /has no readable index\.json \(is it complete\?\)/ });
    await writeFile(path.join(root, 'index.json'), '{"images": [');
    await assert.rejects(readEmbeddingFolder(root, space), { code: 'INVALID_FORMAT', message: /index\.json: not valid JSON/ });
    await writeFile(path.join(root, 'index.json'), '{"count": 3}');
    await assert.rejects(readEmbeddingFolder(root, space), { code: 'INVALID_FORMAT', message: /no 'images' list/ });
  }));
