import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gaussianBatchFromRows } from '../core/embedding.js';
import { loadEmbeddingFolder, writeEmbeddingFolder } from './embedding-folder.js';
import { gaussianBatchFromMatrices } from './gaussian-matrices.js';
import { writeNpyFile } from './npy-file.js';
import { assertRejectsPfe, assertThrowsPfe } from '../testing/pfe-error-assertions.js';

const matrix = (rows: number, cols: number, values: number[]) => ({ rows, cols, data: new Float32Array(values) });

describe('gaussianBatchFromMatrices', () => {
  it('keeps N×D variances as they are', () => {
    const b = gaussianBatchFromMatrices(matrix(2, 2, [1, 2, 3, 4]), matrix(2, 2, [0.5, 1, 2, 4]));
    assert.equal(b.count, 2);
    assert.equal(b.dim, 2);
    assert.deepEqual(Array.from(b.sigmaSq), [0.5, 1, 2, 4]);
  });
  it('broadcasts an N×1 variance over each row', () => {
    const b = gaussianBatchFromMatrices(matrix(2, 3, [1, 2, 3, 4, 5, 6]), matrix(2, 1, [0.25, 8]));
    assert.deepEqual(Array.from(b.sigmaSq), [0.25, 0.25, 0.25, 8, 8, 8]);
  });
  it('names both shapes on a mismatch', () => {
    assertThrowsPfe(() => gaussianBatchFromMatrices(matrix(2, 3, [1, 2, 3, 4, 5, 6]), matrix(2, 2, [1, 1, 1, 1])), 'DIMENSION_MISMATCH', /mu has shape \(2, 3\) but sigma_sq has shape \(2, 2\)/, /expected \(2, 3\) or \(2, 1\)/);
    assertThrowsPfe(() => gaussianBatchFromMatrices(matrix(2, 1, [1, 2]), matrix(1, 1, [1])), 'DIMENSION_MISMATCH', /\(1, 1\)/);
  });
  it('rejects empty batches, non-finite means and non-positive variances naming row and column as stored', () => {
    assertThrowsPfe(() => gaussianBatchFromMatrices(matrix(0, 3, []), matrix(0, 3, [])), 'EMPTY_INPUT', /\(0, 3\)/);
    assertThrowsPfe(() => gaussianBatchFromMatrices(matrix(2, 2, [1, 2, NaN, 4]), matrix(2, 1, [1, 1]), { mu: 'A/mu.npy', sigmaSq: 'A/sigma_sq.npy' }), 'NON_FINITE', /A\/mu\.npy\[1\]\[0\] is NaN/);
    assertThrowsPfe(() => gaussianBatchFromMatrices(matrix(2, 2, [1, 2, 3, 4]), matrix(2, 1, [1, -1])), 'NON_POSITIVE_VARIANCE', /sigma_sq\[1\]\[0\] is -1/);
    assertThrowsPfe(() => gaussianBatchFromMatrices(matrix(1, 2, [1, 2]), matrix(1, 2, [1, 0])), 'NON_POSITIVE_VARIANCE', /sigma_sq\[0\]\[1\] is 0/);
  });
});

describe('embedding folders', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'pfe-embfolder-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('round-trips a batch through writeEmbeddingFolder / loadEmbeddingFolder', async () => {
    const batch = gaussianBatchFromRows(
      [
        [0.5, -1, 2],
        [3, 0.25, -0.75],
      ],
      [[0.1, 0.2, 0.3], 4],
    );
    const folder = path.join(dir, 'round', 'trip');
    await writeEmbeddingFolder(folder, batch);
    const back = await loadEmbeddingFolder(folder);
    assert.equal(back.count, 2);
    assert.equal(back.dim, 3);
    assert.deepEqual(Array.from(back.mu), Array.from(batch.mu));
    assert.deepEqual(Array.from(back.sigmaSq), Array.from(batch.sigmaSq));
  });

  it('loads an N×1 sigma_sq by broadcasting', async () => {
    const folder = path.join(dir, 'iso');
    mkdirSync(folder);
    await writeNpyFile(path.join(folder, 'mu.npy'), [2, 2], new Float32Array([1, 2, 3, 4]));
    await writeNpyFile(path.join(folder, 'sigma_sq.npy'), [2, 1], new Float32Array([0.5, 2]));
    const b = await loadEmbeddingFolder(folder);
    assert.deepEqual(Array.from(b.sigmaSq), [0.5, 0.5, 2, 2]);
  });

  it('uses mu_centred.npy, the means the head variances belong to, when pfe embed wrote it', async () => {
    const folder = path.join(dir, 'with-head');
    mkdirSync(folder);
    await writeNpyFile(path.join(folder, 'mu.npy'), [1, 2], new Float32Array([0.6, 0.8]));
    await writeNpyFile(path.join(folder, 'mu_centred.npy'), [1, 2], new Float32Array([1, 0]));
    await writeNpyFile(path.join(folder, 'sigma_sq.npy'), [1, 1], new Float32Array([0.5]));
    const b = await loadEmbeddingFolder(folder);
    assert.deepEqual(Array.from(b.mu), [1, 0]);
  });

  it('reports a missing folder or file as IO_ERROR naming the path', async () => {
    await assertRejectsPfe(loadEmbeddingFolder(path.join(dir, 'absent')), 'IO_ERROR', /absent does not exist/);
    const half = path.join(dir, 'half');
    mkdirSync(half);
    await writeNpyFile(path.join(half, 'mu.npy'), [1, 2], new Float32Array([1, 2]));
    await assertRejectsPfe(loadEmbeddingFolder(half), 'IO_ERROR', /half\/sigma_sq\.npy: no such file/);
    const file = path.join(dir, 'plain.txt');
    writeFileSync(file, 'x');
    await assertRejectsPfe(loadEmbeddingFolder(file), 'IO_ERROR', /plain\.txt is not a folder/);
  });

  it('reports mismatched shapes naming both files and shapes', async () => {
    const folder = path.join(dir, 'mismatch');
    mkdirSync(folder);
    await writeNpyFile(path.join(folder, 'mu.npy'), [2, 3], new Float32Array(6));
    await writeNpyFile(path.join(folder, 'sigma_sq.npy'), [3, 3], new Float32Array(9).fill(1));
    await assertRejectsPfe(loadEmbeddingFolder(folder), 'DIMENSION_MISMATCH', /mismatch\/mu\.npy has shape \(2, 3\) but .*mismatch\/sigma_sq\.npy has shape \(3, 3\)/);
  });

  it('reports a NaN mean with the file, row and column', async () => {
    const folder = path.join(dir, 'nan');
    mkdirSync(folder);
    await writeNpyFile(path.join(folder, 'mu.npy'), [2, 2], new Float32Array([0, 1, 2, NaN]));
    await writeNpyFile(path.join(folder, 'sigma_sq.npy'), [2, 2], new Float32Array(4).fill(1));
    await assertRejectsPfe(loadEmbeddingFolder(folder), 'NON_FINITE', /nan\/mu\.npy\[1\]\[1\] is NaN/);
  });
});
