/**
 * Load test of the HTTP service on loopback: a gallery of synthetic subjects (inserted
 * directly into the SQLite store, default 10,000) plus one real enrolled subject, then
 * autocannon against verify (1:1) and identify (1:N over the whole gallery) with a real
 * probe image, for a bounded time each. Reports requests/s, p50/p99 latency and the
 * status codes; exits 1 when any 5xx other than a deliberate 503 (load shedding) occurred.
 * Also times the in-memory identification scan alone.
 *
 *   npx tsc -p tsconfig.json --outDir build-<you> && node build-<you>/bench/load-service.js \
 *     [--subjects 10000] [--duration 15] [--connections 8] [--overload-connections 32] [--workers 2]
 *     [--head file.pfehead [--calibration file.json]]   (default: as `pfe serve` chooses)
 *     [--store sqlite|postgres]   (postgres: a throwaway loopback cluster, as in the tests)
 *
 * Traffic goes only to 127.0.0.1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SeededRandom } from '../core/random.js';
import { loadCalibrationFile } from '../verify/calibration-file.js';
import { GalleryIndex, sigmaLayoutOf } from '../service/gallery-index.js';
import type { GalleryStore, NewSubject } from '../service/gallery-store.js';
import pg from 'pg';
import { PostgresGalleryStore } from '../service/postgres/postgres-gallery-store.js';
import { startPostgresCluster } from '../testing/postgres-cluster.js';
import { SqliteGalleryStore } from '../service/sqlite-gallery-store.js';
import { loadHeadBinding } from '../head/head-binding.js';
import { resolveModelFiles } from '../service/service-context.js';
import { fixturePath } from '../testing/paths.js';
import { type HealthPoll, pollHealth } from './health-poll.js';

/** The part of autocannon's result this script reads (the package ships no types). */
interface AutocannonResult {
  readonly requests: { readonly average: number; readonly total: number };
  readonly latency: { readonly p50: number; readonly p99: number; readonly average: number; readonly max: number };
  readonly statusCodeStats: Readonly<Record<string, { readonly count: number }>>;
  readonly errors: number;
  readonly timeouts: number;
  readonly duration: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const KEY = 'load-test-key-0123456789';
const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'cli', 'main.js');
/** Seed of the synthetic gallery. */
const SEED = 20261128;
/** Embedding dimension of the faceres backbone. */
const DIM = 1024;

function unitVector(rng: SeededRandom, dim: number): Float32Array {
  const v = new Float32Array(dim);
  let n = 0;
  for (let l = 0; l < dim; l++) n += (v[l] = rng.nextGaussian()) ** 2;
  const inv = 1 / Math.sqrt(n);
  for (let l = 0; l < dim; l++) v[l]! *= inv;
  return v;
}

/** A multipart/form-data body with one JPEG file part and optional text parts. */
function multipartBody(boundary: string, image: Buffer, fields: Record<string, string> = {}): Buffer {
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="probe.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`), image, Buffer.from(`\r\n--${boundary}--\r\n`));
  return Buffer.concat(parts);
}

function startServer(galleryArgs: readonly string[], workers: number, queue: number, models: { headFile: string | undefined; calibrationFile: string }): Promise<{ child: ChildProcess; url: string }> {
  const modelArgs = [...(models.headFile === undefined ? ['--no-head'] : ['--head', models.headFile]), '--calibration', models.calibrationFile];
  const child = spawn(process.execPath, [MAIN, 'serve', '--host', '127.0.0.1', '--port', '0', ...galleryArgs, '--workers', String(workers), '--queue', String(queue), ...modelArgs], {
    env: { ...process.env, PFE_API_KEY: KEY },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        process.stdout.write(out);
        resolve({ child, url: m[1]! });
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

interface RunSummary {
  readonly name: string;
  readonly connections: number;
  readonly seconds: number;
  readonly requestsPerSecond: number;
  /** 200 answers per second. */
  readonly okPerSecond: number;
  readonly p50ms: number;
  readonly p99ms: number;
  readonly status: Readonly<Record<string, number>>;
  readonly errors: number;
  /** 5xx answers other than 503. */
  readonly unexpected5xx: number;
  /** GET /v1/health polled while the run went on. */
  readonly health: HealthPoll;
}

/** Waits until the server's inference queue is empty (requests abandoned by the last run have finished). */
async function drain(url: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const health = (await (await fetch(`${url}/v1/health`)).json()) as { inference: { busy: number; queued: number } };
    if (health.inference.busy === 0 && health.inference.queued === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the inference queue did not drain within 60 s');
}

/**
 * One autocannon run against `url`, with /v1/health polled all along (the scan must not block
 * the event loop: health must stay fast whatever runs).
 */
async function run(name: string, url: string, body: Buffer, boundary: string, connections: number, duration: number): Promise<RunSummary> {
  const base = url.replace(/\/v1\/.*$/, '');
  await drain(base);
  const poll = pollHealth(base);
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, authorization: `Bearer ${KEY}` },
    body,
    connections,
    duration,
    timeout: 30,
  });
  const health = await poll.stop();
  const status = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]));
  const unexpected5xx = Object.entries(status)
    .filter(([code]) => code.startsWith('5') && code !== '503')
    .reduce((s, [, n]) => s + n, 0);
  return { name, connections, seconds: result.duration, requestsPerSecond: result.requests.average, okPerSecond: (status['200'] ?? 0) / result.duration, p50ms: result.latency.p50, p99ms: result.latency.p99, status, errors: result.errors + result.timeouts, unexpected5xx, health };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      subjects: { type: 'string' },
      duration: { type: 'string' },
      connections: { type: 'string' },
      'overload-connections': { type: 'string' },
      workers: { type: 'string' },
      head: { type: 'string' },
      calibration: { type: 'string' },
      store: { type: 'string' },
    },
    strict: true,
  });
  const subjects = Number(values.subjects ?? 10000);
  const duration = Number(values.duration ?? 15);
  const connections = Number(values.connections ?? 8);
  const overload = Number(values['overload-connections'] ?? 32);
  const workers = Number(values.workers ?? availableParallelism());
  if (!(subjects >= 1 && duration > 0 && duration <= 120 && connections >= 1 && overload >= 0 && workers >= 1)) throw new Error('bad options');

  const models = resolveModelFiles(values.head, values.calibration);
  const head = models.headFile === undefined ? undefined : await loadHeadBinding(models.headFile);
  const calibration = await loadCalibrationFile(models.calibrationFile);
  const q = calibration.content.uncertaintyQuantiles;
  const storeKind = values.store ?? 'sqlite';
  if (storeKind !== 'sqlite' && storeKind !== 'postgres') throw new Error('--store must be sqlite or postgres');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pfe-load-'));
  // PostgreSQL: a throwaway loopback cluster, like the tests' (src/testing/postgres-cluster.ts).
  const cluster = storeKind === 'postgres' ? await startPostgresCluster() : undefined;
  let server: ChildProcess | undefined;
  try {
    const databaseUrl = cluster === undefined ? undefined : await cluster.createDatabase('load');
    // Synthetic gallery straight into the store (same embedding space as the server's).
    const rng = new SeededRandom(SEED);
    const dim = head?.head.architecture.muDim ?? DIM;
    const t0 = performance.now();
    const space = { dim, head: head?.identity.sha256 ?? 'none' };
    const store: GalleryStore = databaseUrl === undefined ? SqliteGalleryStore.open(dataDir, space) : await PostgresGalleryStore.connect(databaseUrl, space);
    const rows: NewSubject[] = [];
    for (let i = 0; i < subjects; i++) {
      // With a head: σ² between the clean-image median and 99th-percentile uncertainty.
      const s = head === undefined || q === undefined ? null : q['0.5']! + rng.nextFloat() * (q['0.99']! - q['0.5']!);
      rows.push({ id: `synthetic-${i}`, name: null, faces: [{ mu: unitVector(rng, dim), sigmaSq: s === null ? null : new Float32Array(dim).fill(s), uncertainty: s, detectorScore: null }] });
    }
    await store.insertNewSubjects(rows);
    await store.close();
    process.stdout.write(`inserted ${subjects} synthetic subjects into ${store.kind} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    if (databaseUrl !== undefined) {
      // What the database holds per subject (one face + the template), for docs/SCALING.md.
      const admin = new pg.Client({ connectionString: databaseUrl });
      await admin.connect();
      const bytes = Number((await admin.query<{ b: string }>("SELECT pg_total_relation_size('subjects') + pg_total_relation_size('faces') + pg_total_relation_size('gallery_changes') AS b")).rows[0]!.b);
      await admin.end();
      process.stdout.write(`PostgreSQL tables with indexes and TOAST: ${(bytes / 1e6).toFixed(1)} MB, ${(bytes / subjects).toFixed(0)} bytes per subject with one face (D = ${dim})\n`);
    }

    // The identification scan alone, in this process, on the same kind of rows.
    const index = new GalleryIndex(dim, sigmaLayoutOf(head));
    for (const r of rows) index.set(r.id, r.faces[0]!);
    const probe = rows[0]!.faces[0]!;
    const scanTimes: number[] = [];
    for (let k = 0; k < 21; k++) {
      const t = performance.now();
      index.topK(probe, 5);
      scanTimes.push(performance.now() - t);
    }
    scanTimes.sort((a, b) => a - b);
    const scanMs = scanTimes[10]!;
    process.stdout.write(`in-memory top-5 scan over ${subjects} templates (${head ? `${index.layout} MLS + cosine` : 'cosine'}): median ${scanMs.toFixed(1)} ms of 21\n`);

    const started = await startServer(databaseUrl === undefined ? ['--data', dataDir] : ['--database', databaseUrl], workers, 4 * workers, models);
    server = started.child;
    const url = started.url;
    const auth = { authorization: `Bearer ${KEY}` };
    await fetch(`${url}/v1/subjects`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ id: 'gul' }) });
    for (const n of [1, 2]) {
      const form = new FormData();
      form.append('image', new Blob([readFileSync(fixturePath('lfw', 'images', 'Abdullah_Gul', `Abdullah_Gul_000${n}.jpg`))]), 'face.jpg');
      const res = await fetch(`${url}/v1/subjects/gul/faces`, { method: 'POST', headers: auth, body: form });
      if (res.status !== 201) throw new Error(`enrolment failed: ${res.status} ${await res.text()}`);
    }
    const probeImage = readFileSync(fixturePath('lfw', 'images', 'Abdullah_Gul', 'Abdullah_Gul_0003.jpg'));
    const boundary = 'pfe-load-boundary-7d3f';
    const verifyBody = multipartBody(boundary, probeImage);
    const identifyBody = multipartBody(boundary, probeImage, { topK: '5' });
    // Check the requests are right before timing them.
    for (const [p, b] of [['/v1/subjects/gul/verify', verifyBody], ['/v1/identify', identifyBody]] as const) {
      const res = await fetch(`${url}${p}`, { method: 'POST', headers: { ...auth, 'content-type': `multipart/form-data; boundary=${boundary}` }, body: b });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`${p}: ${res.status} ${text}`);
      process.stdout.write(`${p}: ${text.slice(0, 160)}...\n`);
    }

    const loadBefore = loadavg();
    const runs: RunSummary[] = [];
    // verify is the control for identify: the same inference load, no scan.
    runs.push(await run('verify', `${url}/v1/subjects/gul/verify`, verifyBody, boundary, connections, duration));
    runs.push(await run('identify', `${url}/v1/identify`, identifyBody, boundary, connections, duration));
    if (overload > 0) {
      runs.push(await run('verify (overload)', `${url}/v1/subjects/gul/verify`, verifyBody, boundary, overload, duration));
      runs.push(await run('identify (overload)', `${url}/v1/identify`, identifyBody, boundary, overload, duration));
    }
    const loadAfter = loadavg();

    process.stdout.write(`\ngallery ${subjects + 1} subjects, ${workers} inference workers, queue ${4 * workers}, ${duration} s per run\n`);
    process.stdout.write('run                   conns  req/s  200/s   p50 ms  p99 ms  status codes                 5xx≠503\n');
    for (const r of runs) {
      const codes = Object.entries(r.status).map(([c, n]) => `${c}:${n}`).join(' ');
      process.stdout.write(
        `${r.name.padEnd(20)}  ${String(r.connections).padStart(5)}  ${r.requestsPerSecond.toFixed(1).padStart(5)}  ${r.okPerSecond.toFixed(1).padStart(5)}  ${String(r.p50ms).padStart(6)}  ${String(r.p99ms).padStart(6)}  ${codes.padEnd(27)}  ${r.unexpected5xx}${r.errors > 0 ? ` (errors ${r.errors})` : ''}\n`,
      );
    }
    for (const r of runs) {
      const h = r.health.latencies;
      const at = (p: number): string => (h.length === 0 ? 'n/a' : h[Math.min(h.length - 1, Math.ceil((p / 100) * h.length) - 1)]!.toFixed(1));
      process.stdout.write(`/v1/health during ${r.name}: ${h.length} requests, p50 ${at(50)} ms, p99 ${at(99)} ms, max ${at(100)} ms, non-200 ${r.health.failures}\n`);
    }
    process.stdout.write(`load average before ${loadBefore.map((v) => v.toFixed(2)).join(' ')}, after ${loadAfter.map((v) => v.toFixed(2)).join(' ')}\n`);
    const bad = runs.reduce((s, r) => s + r.unexpected5xx + r.errors + r.health.failures, 0);
    if (bad > 0) process.stdout.write(`FAIL: ${bad} 5xx other than 503, connection errors or failed health requests\n`);
    return bad > 0 ? 1 : 0;
  } finally {
    if (server !== undefined && server.exitCode === null) {
      const gone = new Promise((r) => server!.once('exit', r));
      server.kill('SIGTERM');
      await gone;
    }
    rmSync(dataDir, { recursive: true, force: true });
    await cluster?.dispose();
  }
}

process.exitCode = await main();
