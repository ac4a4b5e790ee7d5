/**
 * The PostgreSQL gallery's schema, as numbered migrations kept in the repository. Each
 * runs once, in its own transaction, recorded in schema_migrations; replicas starting
 * together serialise on an advisory lock, so exactly one of them applies a migration.
 * Never edit a released migration: add the next one.
 */
import type pg from 'pg';

/** One schema step. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** The migrations, in order. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'gallery',
    sql: `
CREATE TABLE gallery_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- Ids compare bytewise (COLLATE "C"), like SQLite, so pagination order is the same in both stores.
CREATE TABLE subjects (
  id TEXT COLLATE "C" PRIMARY KEY,
  name TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  face_count INTEGER NOT NULL DEFAULT 0,
  template_mu BYTEA,
  template_sigma_sq BYTEA
);
CREATE TABLE faces (
  id TEXT COLLATE "C" PRIMARY KEY,
  subject_id TEXT COLLATE "C" NOT NULL REFERENCES subjects(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  mu BYTEA NOT NULL,
  sigma_sq BYTEA,
  uncertainty DOUBLE PRECISION,
  detector_score DOUBLE PRECISION,
  image BYTEA
);
CREATE INDEX faces_by_subject ON faces(subject_id);
-- The change sequence: one row, bumped last in every template-changing transaction. Its
-- row lock is held until commit, so sequence order is commit order and a replica that has
-- applied change n has seen every change before n.
CREATE TABLE gallery_sequence (one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one), seq BIGINT NOT NULL);
INSERT INTO gallery_sequence (seq) VALUES (0);
-- Which subject's template each change touched (replicas re-read the template itself).
CREATE TABLE gallery_changes (seq BIGINT PRIMARY KEY, subject_id TEXT COLLATE "C" NOT NULL);
`,
  },
];

/** Advisory lock key of migrations: 'pfe-mig' as bytes, an arbitrary constant unique to this schema. */
const MIGRATION_LOCK_KEY = 0x7066652d6d6967n;

/**
 * Applies the migrations not applied yet, each in one transaction.
 * @returns the schema version now in the database
 */
export async function migrate(client: pg.ClientBase): Promise<number> {
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
  try {
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
    const applied = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    for (const m of MIGRATIONS) {
      if (applied.has(m.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK');
        throw e;
      }
    }
    const latest = Math.max(0, ...MIGRATIONS.map((m) => m.version));
    const newest = (await client.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations')).rows[0]!.v ?? 0;
    if (newest > latest) throw new Error(`the database has schema version ${newest}, newer than this program's ${latest}; upgrade pfe-js`);
    return newest;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY.toString()]);
  }
}
