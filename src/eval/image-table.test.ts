import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeNpyFile } from '../io/npy-file.js';
import { loadImageSubset, loadImageTable, rawFeatureNorms } from './image-table.js';

describe('loadImageTable from embedding folders', () => {
  let dir = '';
  const img = (n: string): string => path.join(dir, 'img', n);
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'pfe-table-'));
    const emb = path.join(dir, 'emb');
    mkdirSync(emb);
    // Rows: x.jpg → row 0, z.jpg → row 1; y.jpg failed.
    await writeNpyFile(path.join(emb, 'mu.npy'), [2, 2], new Float32Array([1, 0, 0, 1]));
    await writeNpyFile(path.join(emb, 'pooled_global.npy'), [2, 3], new Float32Array([3, 4, 0, 0, 0, 2]));
    await writeNpyFile(path.join(emb, 'pooled_grid2x2.npy'), [2, 12], new Float32Array(24));
    const images = [
      { path: img('x.jpg'), status: 'ok', row: 0, detectorScore: 0.8 },
      { path: img('y.jpg'), status: 'failed', code: 'NO_FACE', reason: 'none' },
      { path: img('z.jpg'), status: 'ok', row: 1, detectorScore: null },
    ];
    writeFileSync(path.join(emb, 'index.json'), JSON.stringify({ degrade: 'level:2', seed: 1, dim: 2, count: 2, images }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('matches requested paths to folder rows, in request order, with failures and detector scores', async () => {
    const t = await loadImageTable([img('z.jpg'), img('y.jpg'), img('x.jpg')], { folders: [path.join(dir, 'emb')], degrade: 'level:2', seed: 1 });
    assert.deepEqual(Array.from(t.mu), [0, 1, 0, 0, 1, 0]);
    assert.deepEqual(Array.from(t.failed), [0, 1, 0]);
    assert.deepEqual(t.failures, [{ path: img('y.jpg'), code: 'NO_FACE', reason: 'none' }]);
    assert.ok(Number.isNaN(t.detectorScore[0]!));
    assert.equal(t.detectorScore[2], 0.8);
    assert.deepEqual(t.provenance, { fromFolders: 3, embedded: 0 });
    const norms = rawFeatureNorms(t);
    assert.equal(norms[0], 2);
    assert.ok(Number.isNaN(norms[1]!));
    assert.equal(norms[2], 5);
  });

  it('refuses a folder made with another degradation or seed', async () => {
    await assert.rejects(loadImageTable([img('x.jpg')], { folders: [path.join(dir, 'emb')] }), /made with degrade level:2 seed 1; this evaluation needs degrade none/);
    await assert.rejects(loadImageTable([img('x.jpg')], { folders: [path.join(dir, 'emb')], degrade: 'level:2', seed: 2 }), /needs degrade level:2 seed 2/);
  });

  it('a subset leaves the other rows zero and flagged, without listing them as failures', async () => {
    const t = await loadImageSubset([img('x.jpg'), img('never.jpg'), img('z.jpg')], new Uint8Array([1, 0, 1]), { folders: [path.join(dir, 'emb')], degrade: 'level:2', seed: 1, needGrid: true });
    assert.equal(t.count, 3);
    assert.deepEqual(Array.from(t.failed), [0, 1, 0]);
    assert.deepEqual(t.failures, []);
    assert.deepEqual(Array.from(t.mu), [1, 0, 0, 0, 0, 1]);
    assert.equal(t.pooledGrid2x2!.length, 3 * 12);
  });
});
