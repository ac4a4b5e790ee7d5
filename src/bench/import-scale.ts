/**
 * Bulk import at scale: writes a seeded synthetic `pfe embed` output folder of N subjects
 * (one face each; with the shipped head's outputs, mu_centred.npy + sigma_sq.npy, a scalar σ²
 * per face as that head gives), then times `pfe gallery import` into a fresh SQLite gallery,
 * and a second run over the same folder (everything already there: the resume path).
 *
 * --via cli (default) imports with `--data` in the CLI's own process; --via http starts
 * `pfe serve` on the fresh gallery (one inference worker) and imports with `--url`, through
 * POST /v1/gallery/import, while this process asks /v1/health every HEALTH_EVERY_MS and
 * reports how long the service took to answer (a batch's transaction holds its event loop).
 *
 *   npm run build && node dist/bench/import-scale.js [--subjects 100000] [--batch N (default: the path's own)] [--via cli|http]
 */
import { spawn } from 'node:child_process';
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
import { startServeProcess } from '../testing/pfe-serve-process.js';
import { type HealthPoll, pollHealth } from './health-poll.js';
import { DEFAULT_IMPORT_BATCH } from '../service/gallery-import.js';
import { DEFAULT_SERVICE_IMPORT_BATCH } from '../service/import-route.js';

/** Seed of the synthetic folder. */
const SEED = 20261204;
const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'cli', 'main.js');
/** How often the health probe asks during an import through the service (ms). */
const HEALTH_EVERY_MS = 100;

/** Runs the CLI (stderr, its progress, passed through); resolves with its stdout, rejects when it fails. */
function runCli(args: readonly string[]): Promise<string> {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`pfe ${args.slice(0, 2).join(' ')} exited with ${code}`)))));
}

const { values } = parseArgs({ options: { subjects: { type: 'string', default: '100000' }, batch: { type: 'string' }, via: { type: 'string', default: 'cli' } } });
const n = Number(values.subjects);
const via = values.via;
if (via !== 'cli' && via !== 'http') throw new Error(`--via must be cli or http, got ${via}`);
// Without --batch, each path's own default (the CLI's for a local import, the endpoint's).
const batch = values.batch ?? String(via === 'cli' ? DEFAULT_IMPORT_BATCH : DEFAULT_SERVICE_IMPORT_BATCH);
const { headFile } = resolveModelFiles(undefined, undefined);
if (headFile === undefined) throw new Error('no shipped head found: this benchmark imports into a gallery with σ²');
const head = await loadHeadBinding(headFile);
const dim = head.head.architecture.muDim;

function healthLine({ latencies: sorted, failures }: HealthPoll): string {
  const at = (q: number): string => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(0);
  return `/v1/health during the import: ${sorted.length} answers, p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${sorted[sorted.length - 1]!.toFixed(0)} ms, ${failures} failed`;
}

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
  writeFileSync(path.join(folder, 'index.json'), JSON.stringify({ images, head: head.identity }));
  console.log(`bulk import via ${via} — ${new Date().toISOString()}, ${n} subjects, D = ${dim} (head ${path.basename(headFile)}), batch ${batch}`);
  console.log(`load average at start ${os.loadavg().map((v) => v.toFixed(2)).join(' ')} (${os.cpus().length} cores)`);
  const data = path.join(root, 'data');
  const serve = via === 'http' ? await startServeProcess(['--data', data, '--workers', '1']) : undefined;
  try {
    const target = serve === undefined ? ['--data', data] : ['--url', serve.url];
    if (serve !== undefined) console.log(`pfe serve on ${serve.url} (SQLite in a fresh data folder, 1 inference worker, started before the clock)`);
    for (const pass of ['first run (empty gallery)', 'second run (all present: resume path)']) {
      const probe = serve === undefined ? undefined : pollHealth(serve.url, HEALTH_EVERY_MS);
      const t = performance.now();
      const stdout = await runCli(['gallery', 'import', folder, ...target, '--batch', batch]);
      const seconds = (performance.now() - t) / 1000;
      console.log(`${pass}: ${seconds.toFixed(1)} s, ${(n / seconds).toFixed(0)} subjects/s — ${stdout.trim()}`);
      if (probe !== undefined) console.log(`  ${healthLine(await probe.stop())}`);
    }
  } finally {
    await serve?.stop();
  }
  console.log(`load average at end ${os.loadavg().map((v) => v.toFixed(2)).join(' ')}`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
