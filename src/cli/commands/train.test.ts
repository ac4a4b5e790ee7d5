import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { loadHeadFile } from '../../head/model-file.js';
import { writeNpyFile } from '../../io/npy-file.js';
import { syntheticFeatures } from '../../train/synthetic.js';

const mainJs = fileURLToPath(new URL('../main.js', import.meta.url));

/** A feature folder as pfe embed writes it, from synthetic features (identity k = folder P<k>). */
async function writeFolder(dir: string): Promise<void> {
  const { set } = syntheticFeatures(12, 4, 8, [0.1, 1], 3);
  const n = set.mu.length / 8;
  await writeNpyFile(path.join(dir, 'mu.npy'), [n, 8], set.mu);
  const images = Array.from({ length: n }, (_, i) => ({ path: `imgs/P${Math.floor(i / 4)}/P${Math.floor(i / 4)}_000${(i % 4) + 1}.jpg`, status: 'ok', row: i }));
  await writeFile(path.join(dir, 'index.json'), JSON.stringify({ backbone: 'synthetic', count: n, dim: 8, images }));
}

describe('pfe train', () => {
  it('trains a head from a feature folder and writes the head, the loss CSV and the SVG', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pfe-train-'));
    try {
      await writeFolder(dir);
      const out = path.join(dir, 'head.pfehead');
      const args = ['train', '--clean', dir, '--out', out, '--steps', '20', '--lr', '0.01,0.001', '--lr-steps', '10', '--identities', '6', '--per-identity', '3', '--input', 'mu'];
      const r = spawnSync(process.execPath, [mainJs, ...args, '--degraded-per-identity', '0', '--hidden', '8', '--output-dim', '8', '--backend', 'cpu', '--seed', '4'], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /48 images of 12 identities, 0 degraded copies, input mu \(8\)/);
      assert.match(r.stderr, /step 20\/20 loss -?\d/);
      const head = await loadHeadFile(out);
      assert.equal(head.architecture.hiddenDim, 8);
      assert.equal((head.training['config'] as { seed: number }).seed, 4);
      assert.equal((await readFile(`${out}.loss.csv`, 'utf8')).trim().split('\n').length, 21);
      assert.match(await readFile(`${out}.loss.svg`, 'utf8'), /<svg/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects learning rates without matching stage boundaries (exit 2)', () => {
    const r = spawnSync(process.execPath, [mainJs, 'train', '--clean', 'x', '--out', 'y', '--lr', '0.1,0.01,0.001', '--lr-steps', '5'], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--lr-steps needs 2 steps/);
  });
});
