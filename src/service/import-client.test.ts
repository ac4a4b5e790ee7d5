/**
 * The import client against a service in this process (shipped head, fake analyzer): the
 * space it reads, progress per committed batch over a stream larger than the socket
 * buffers, and a line the service refuses mid-stream (reported with what is committed).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { isPfeError } from '../core/errors.js';
import { SeededRandom } from '../core/random.js';
import { startServiceWithoutInference } from '../testing/service-without-inference.js';
import type { ImportSubject } from './gallery-import.js';
import { serviceImportSpace, streamSubjectsToService, type ServiceTarget } from './import-client.js';
import type { ImportProgress } from './import-route.js';
import type { RunningService } from './server.js';

const KEY = 'client-test-key-0123456789';

let dir: string;
let service: RunningService;
let target: ServiceTarget;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'pfe-import-client-'));
  service = await startServiceWithoutInference({ dataDir: dir, apiKey: KEY });
  target = { url: service.url, apiKey: KEY };
});

after(async () => {
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

function subjects(prefix: string, count: number, dim: number, seed: number): ImportSubject[] {
  const rng = new SeededRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const mu = Float32Array.from({ length: dim }, () => rng.nextGaussian());
    const sigma = 0.01 + rng.nextFloat() * 0.1;
    return { id: `${prefix}${i + 1}`, name: null, faces: [{ mu, sigmaSq: new Float32Array(dim).fill(sigma), uncertainty: sigma, detectorScore: null }] };
  });
}

test('the client reads the gallery space, streams with back-pressure and reports each committed batch', async () => {
  const space = await serviceImportSpace(target);
  assert.deepEqual(space, { dim: 128, layout: 'isotropic', head: service.context.head!.identity });
  // ~15 MB of lines: many times the socket buffers, so writes wait for 'drain'.
  const list = subjects('big', 3000, space.dim, 1);
  const seen: ImportProgress[] = [];
  const summary = await streamSubjectsToService(target, list, 1000, (p) => seen.push(p));
  assert.deepEqual(seen.map((p) => p.committedLines), [1000, 2000, 3000]);
  assert.deepEqual(summary, { committedLines: 3000, imported: 3000, skipped: 0, faces: 3000 });
  assert.equal(await service.context.store.countSubjects(), 3000);
});

test('a line the service refuses after a commit: the client stops and says what is committed', async () => {
  const list = subjects('bad', 25, 128, 2);
  const broken = list[16]!;
  list[16] = { ...broken, faces: [{ ...broken.faces[0]!, mu: broken.faces[0]!.mu.subarray(1) }] };
  const seen: number[] = [];
  await assert.rejects(streamSubjectsToService(target, list, 10, (p) => seen.push(p.committedLines)), (e: unknown) => {
    assert.ok(isPfeError(e, 'INVALID_FORMAT'), String(e));
    assert.match(e.message, /refused the import \(during the stream, INVALID_LINE\): line 17: faces\[0\]: mu has 127 values, the gallery's D = 128; lines 1–10 are committed/);
    return true;
  });
  assert.deepEqual(seen, [10]);
  assert.equal(await service.context.store.hasSubject('bad10'), true);
  assert.equal(await service.context.store.hasSubject('bad11'), false);
});
