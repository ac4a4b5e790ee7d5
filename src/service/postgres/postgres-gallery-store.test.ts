/**
 * The PostgreSQL gallery against a real throwaway cluster (src/testing/postgres-cluster.ts):
 * the shared store suite, migrations, the change log, and unreachable-database errors.
 * Skipped, saying why, where PostgreSQL is not installed.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { SeededRandom } from '../../core/random.js';
import { isGalleryError } from '../gallery-errors.js';
import { galleryStoreSuite, SUITE_DIM, syntheticFace } from '../gallery-store-suite.js';
import { type PostgresCluster, postgresUnavailableReason, startPostgresCluster } from '../../testing/postgres-cluster.js';
import { MIGRATIONS } from './migrations.js';
import { PostgresGalleryStore, redactedUrl } from './postgres-gallery-store.js';

const skip = postgresUnavailableReason();
let cluster: PostgresCluster | undefined;
let databases = 0;

before(async () => {
  if (skip === undefined) cluster = await startPostgresCluster();
});
after(async () => {
  await cluster?.dispose();
});

async function freshDatabase(): Promise<string> {
  return cluster!.createDatabase(`gallery_${++databases}`);
}

galleryStoreSuite(
  'PostgreSQL',
  async () => {
    const url = await freshDatabase();
    return { open: (space, rule) => PostgresGalleryStore.connect(url, space, rule), dispose: async () => undefined };
  },
  skip,
);

test('PostgreSQL: migrations are recorded once, also when replicas start together', { skip }, async () => {
  const url = await freshDatabase();
  const space = { dim: SUITE_DIM, head: 'abc' };
  const stores = await Promise.all([0, 1, 2].map(() => PostgresGalleryStore.connect(url, space)));
  await Promise.all(stores.map((s) => s.close()));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const rows = (await client.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => r.version);
    assert.deepEqual(rows, MIGRATIONS.map((m) => m.version));
  } finally {
    await client.end();
  }
});

test('PostgreSQL: every template change is logged in commit order with the template as it is now', { skip }, async () => {
  const url = await freshDatabase();
  const store = await PostgresGalleryStore.connect(url, { dim: SUITE_DIM, head: 'abc' });
  try {
    const rng = new SeededRandom(3);
    assert.equal(await store.latestSeq(), 0);
    await store.createSubject('a', null);
    await store.createSubject('b', null);
    assert.equal(await store.latestSeq(), 0, 'a subject without faces changes no template');
    const fa = await store.addFace('a', syntheticFace(rng));
    await store.addFace('b', syntheticFace(rng));
    await store.addFace('a', syntheticFace(rng));
    await store.deleteSubject('b');
    assert.equal(await store.latestSeq(), 4);
    const all = await store.changesSince(0, 100);
    assert.equal(all.seq, 4);
    assert.equal(all.gap, false);
    const byId = new Map(all.changes.map((c) => [c.subjectId, c.template]));
    assert.deepEqual([...byId.keys()].sort(), ['a', 'b']);
    assert.equal(byId.get('b'), null, 'a deleted subject has no template');
    assert.deepEqual([...byId.get('a')!.mu], [...(await store.getTemplate('a'))!.mu]);
    const tail = await store.changesSince(3, 100);
    assert.deepEqual(tail.changes.map((c) => c.subjectId), ['b']);
    assert.deepEqual(await store.changesSince(4, 100), { seq: 4, gap: false, changes: [] });
    const paged = await store.changesSince(0, 1);
    assert.equal(paged.seq, 1);
    // A replica ahead of the database (restored from a backup) must reload, not wait.
    assert.deepEqual(await store.changesSince(9, 100), { seq: 4, gap: true, changes: [] });
    assert.ok(fa.face.id.length > 0);
  } finally {
    await store.close();
  }
});

test('PostgreSQL: an unreachable database is STORE_UNAVAILABLE, and the URL is logged without its password', { skip }, async () => {
  const url = await freshDatabase();
  const store = await PostgresGalleryStore.connect(url, { dim: SUITE_DIM, head: 'abc' });
  try {
    await cluster!.stop();
    await assert.rejects(store.ping(), (e) => isGalleryError(e, 'STORE_UNAVAILABLE'));
    await assert.rejects(store.createSubject('x', null), (e) => isGalleryError(e, 'STORE_UNAVAILABLE'));
    await cluster!.start();
    // The pool replaces the broken connections: no restart of the store needed.
    await store.ping();
    await store.createSubject('x', null);
  } finally {
    await store.close();
  }
  assert.equal(redactedUrl('postgres://u:secret@127.0.0.1:5432/db'), 'postgres://u:***@127.0.0.1:5432/db');
});
