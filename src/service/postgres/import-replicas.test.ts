/**
 * The bulk import on a PostgreSQL gallery shared by two services in this process (no
 * inference: the import needs none): what one replica imports reaches the other's index
 * through the change log, and re-sending the stream to the other replica skips everything.
 * Skipped, saying why, where PostgreSQL is not installed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { SeededRandom } from '../../core/random.js';
import { type PostgresCluster, postgresUnavailableReason, startPostgresCluster } from '../../testing/postgres-cluster.js';
import { startServiceWithoutInference } from '../../testing/service-without-inference.js';
import type { ImportSubject } from '../gallery-import.js';
import { streamSubjectsToService } from '../import-client.js';
import type { RunningService } from '../server.js';

const skip = postgresUnavailableReason();
const KEY = 'pg-import-key-0123456789';
/** The shipped head's D. */
const DIM = 128;
/** How long the other replica may take to hold every imported template (ms). */
const SYNC_WITHIN_MS = 10_000;

let cluster: PostgresCluster | undefined;
let dir: string;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'pfe-pg-import-'));
  if (skip === undefined) cluster = await startPostgresCluster();
});
after(async () => {
  await cluster?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

function subjects(count: number): ImportSubject[] {
  const rng = new SeededRandom(8);
  return Array.from({ length: count }, (_, i) => {
    const faces = Array.from({ length: 1 + (i % 3) }, () => {
      const sigma = 0.01 + 0.1 * rng.nextFloat();
      return { mu: Float32Array.from({ length: DIM }, () => rng.nextGaussian()), sigmaSq: new Float32Array(DIM).fill(sigma), uncertainty: sigma, detectorScore: null };
    });
    return { id: `pg${i}`, name: null, faces };
  });
}

test('PostgreSQL: an import through one replica reaches the other; re-sent to the other, it is all skipped', { skip }, async () => {
  const database = await cluster!.createDatabase('import_replicas');
  const services: RunningService[] = [];
  try {
    for (const name of ['a', 'b']) services.push(await startServiceWithoutInference({ dataDir: path.join(dir, name), database, apiKey: KEY }));
    const [a, b] = services as [RunningService, RunningService];
    const list = subjects(600);
    const first = await streamSubjectsToService({ url: a.url, apiKey: KEY }, list, 250);
    assert.deepEqual(first, { committedLines: 600, imported: 600, skipped: 0, faces: 1200 });
    const t0 = performance.now();
    while (b.context.index.size < 600) {
      assert.ok(performance.now() - t0 < SYNC_WITHIN_MS, `replica b holds ${b.context.index.size} of 600 templates`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.deepEqual(b.context.index.get('pg599'), a.context.index.get('pg599'));
    assert.deepEqual(b.context.index.get('pg599'), (await a.context.store.getTemplate('pg599'))!);
    const again = await streamSubjectsToService({ url: b.url, apiKey: KEY }, list, 250);
    assert.deepEqual(again, { committedLines: 600, imported: 0, skipped: 600, faces: 0 });
  } finally {
    for (const s of services) await s.close();
  }
});
