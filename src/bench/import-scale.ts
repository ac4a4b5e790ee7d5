/**
 * Bulk import at scale: writes a seeded synthetic `pfe embed` output folder of N subjects
 * (one face each; with the shipped head's outputs, mu_centred.npy + sigma_sq.npy, a scalar σ²
 * per face as that head gives), then times `pfe gallery import` into a fresh SQLite gallery,
 * and a second run over the same folder (everything already there: the resume path).
 *
 *   npm run build && node dist/bench/import-scale.js [--subjects 100000] [--batch 2000]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SeededRandom } from '../core/random.js';
import { MU_CENTRED_FILE, SIGMA_SQ_FILE } from '../io/embedding-folder.js';
import { writeNpyFile } from '../io/npy-file.js';
import { loadHeadBinding } from '../head/head-binding.js';
import { resolveModelFiles } from '../service/service-context.js';

/** Seed of the synthetic folder. */
const SEED = 20261204;
const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'cli', 'main.js');

const { values } = parseArgs({ options: { subjects: { type: 'string', default: '100000' }, batch: { type: 'string', default: '2000' } } });
const n = Number(values.subjects);
const { headFile } = resolveModelFiles(undefined, undefined);
if (headFile === undefined) throw new Error('no shipped head found: this benchmark imports into a gallery with σ²');
const head = await loadHeadBinding(headFile);
const dim = head.head.architecture.muDim;
const root = mkdtempSync(path.join(os.tmpdir(), 'pfe-import-bench-'));
try {
  const rng = new SeededRandom(SEED);
  const mu = new Float32Array(n * dim);
  const sigmaSq = new Float32Array(n * dim);
  const images: { path: string; status: string; row: number }[] = [];
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let l = 0; l < dim; l++) norm += (mu[i * dim + l] = 2 * rng.nextFloat() - 1) ** 2;
    for (let l = 0; l < dim; l++) mu[i * dim + l]! /= Math.sqrt(norm);
    sigmaSq.fill(10 ** (-4 + 3 * rng.nextFloat()), i * dim, (i + 1) * dim);
    images.push({ path: `synthetic/person_${i}/face.jpg`, status: 'ok', row: i });
  }
  const folder = path.join(root, 'embedded');
  mkdirSync(folder, { recursive: true });
  await writeNpyFile(path.join(folder, MU_CENTRED_FILE), [n, dim], mu);
  await writeNpyFile(path.join(folder, SIGMA_SQ_FILE), [n, dim], sigmaSq);
  writeFileSync(path.join(folder, 'index.json'), JSON.stringify({ images }));
  console.log(`bulk import — ${new Date().toISOString()}, ${n} subjects, D = ${dim} (head ${path.basename(headFile)}), batch ${values.batch}`);
  console.log(`load average at start ${os.loadavg().map((v) => v.toFixed(2)).join(' ')} (${os.cpus().length} cores)`);
  const data = path.join(root, 'data');
  for (const run of ['first run (empty gallery)', 'second run (all present: resume path)']) {
    const t = performance.now();
    const out = execFileSync(process.execPath, [MAIN, 'gallery', 'import', folder, '--data', data, '--batch', values.batch], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    const seconds = (performance.now() - t) / 1000;
    console.log(`${run}: ${seconds.toFixed(1)} s, ${(n / seconds).toFixed(0)} subjects/s — ${out.trim()}`);
  }
  console.log(`load average at end ${os.loadavg().map((v) => v.toFixed(2)).join(' ')}`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
