/**
 * `pfe gallery import --url` end to end: the compiled CLI, in a child process, streams
 * `pfe embed`-shaped folders to a service running in this process (shipped head, so the
 * folders hold the head's outputs; a fake analyzer: the import runs no inference).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { SeededRandom } from '../../core/random.js';
import { MU_CENTRED_FILE, SIGMA_SQ_FILE } from '../../io/embedding-folder.js';
import { writeNpyFile } from '../../io/npy-file.js';
import type { RunningService } from '../../service/server.js';
import { startServiceWithoutInference } from '../../testing/service-without-inference.js';

const run = promisify(execFile);
const mainJs = fileURLToPath(new URL('../main.js', import.meta.url));
const KEY = 'cli-import-key-0123456789';
/** The shipped head's D (dlib). */
const DIM = 128;

let dir: string;
let service: RunningService;
let keyFile: string;

/** A folder as `pfe embed --head` writes it: `faces[p]` images of person `${prefix}${p}`, one σ² per face. */
async function embeddedFolder(folder: string, prefix: string, faces: readonly number[], seed: number): Promise<void> {
  const rng = new SeededRandom(seed);
  const rows = faces.reduce((a, b) => a + b, 0);
  const mu = new Float32Array(rows * DIM);
  const sigmaSq = new Float32Array(rows * DIM);
  const images: { path: string; status: string; row?: number }[] = [];
  let row = 0;
  faces.forEach((count, p) => {
    for (let f = 0; f < count; f++, row++) {
      let norm = 0;
      for (let l = 0; l < DIM; l++) norm += (mu[row * DIM + l] = rng.nextGaussian()) ** 2;
      for (let l = 0; l < DIM; l++) mu[row * DIM + l]! /= Math.sqrt(norm);
      sigmaSq.fill(0.01 + 0.1 * rng.nextFloat(), row * DIM, (row + 1) * DIM);
      images.push({ path: `photos/${prefix}${p}/${f}.jpg`, status: 'ok', row });
    }
  });
  images.push({ path: `photos/${prefix}x/broken.jpg`, status: 'failed' });
  mkdirSync(folder, { recursive: true });
  await writeNpyFile(path.join(folder, MU_CENTRED_FILE), [rows, DIM], mu);
  await writeNpyFile(path.join(folder, SIGMA_SQ_FILE), [rows, DIM], sigmaSq);
  // The head's identity, as `pfe embed --head` records it (the import checks it is the gallery's).
  writeFileSync(path.join(folder, 'index.json'), JSON.stringify({ images, head: service.context.head!.identity }));
}

async function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [mainJs, ...args], { encoding: 'utf8' });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const failed = e as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'pfe-cli-import-'));
  keyFile = path.join(dir, 'key');
  writeFileSync(keyFile, `${KEY}\n`);
  service = await startServiceWithoutInference({ dataDir: path.join(dir, 'data'), apiKey: KEY });
});

after(async () => {
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

test('pfe gallery import --url streams the folders to the service; a second run skips everything', async () => {
  const a = path.join(dir, 'a');
  const b = path.join(dir, 'b');
  // 30 people in a (person 3 with three images), and person 3 again plus 9 others in b.
  await embeddedFolder(a, 'p', Array.from({ length: 30 }, (_, p) => (p === 3 ? 3 : 1)), 1);
  await embeddedFolder(b, 'q', Array.from({ length: 9 }, () => 1), 2);
  await embeddedFolder(path.join(dir, 'b3'), 'p', [0, 0, 0, 2], 3);
  const args = ['gallery', 'import', a, b, path.join(dir, 'b3'), '--url', service.url, '--api-key-file', keyFile, '--batch', '7'];
  const first = await cli(args);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(first.stdout, 'imported 39 subjects with 43 faces; 0 already in the gallery\n');
  assert.match(first.stderr, /pfe gallery import: subjects 39\/39 \(100\.0%\) [\d.]+\/s ETA/);
  const store = service.context.store;
  assert.equal(await store.countSubjects(), 39);
  assert.equal((await store.getSubject('p3'))!.subject.faceCount, 5, "a person in two folders gets the faces of both");
  assert.equal(service.context.index.size, 39);

  const second = await cli(args);
  assert.equal(second.code, 0, second.stderr);
  assert.equal(second.stdout, 'imported 0 subjects with 0 faces; 39 already in the gallery\n');
});

test('pfe gallery import --url: a refused key fails before any upload; --data and --url together are a usage error', async () => {
  const a = path.join(dir, 'a');
  const wrongKey = path.join(dir, 'wrong-key');
  writeFileSync(wrongKey, 'not-the-key-0123456789\n');
  const refused = await cli(['gallery', 'import', a, '--url', service.url, '--api-key-file', wrongKey]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /INVALID_ARGUMENT: .* refused the import \(HTTP 401, UNAUTHORIZED\)/);
  const both = await cli(['gallery', 'import', a, '--url', service.url, '--data', path.join(dir, 'x')]);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /give either --data <dir> \(a local gallery\) or --url <service URL>/);
  const unreachable = await cli(['gallery', 'import', a, '--url', 'http://127.0.0.1:1', '--api-key-file', keyFile]);
  assert.equal(unreachable.code, 1);
  assert.match(unreachable.stderr, /IO_ERROR: cannot reach the service at http:\/\/127\.0\.0\.1:1/);
});
