/**
 * The shared gallery: PostgreSQL (driver `pg`), for several `pfe serve` replicas. Same
 * tables and rules as the SQLite store (every change one transaction, the template
 * rewritten in the same transaction as the faces, a subject's rows locked while its
 * template is refitted), plus a change log: every transaction that changes a template
 * bumps one sequence row last and records (seq, subject), then NOTIFYs the channel
 * CHANGE_CHANNEL with the sequence number on commit. Replicas keep their in-memory index
 * in sync from it (gallery-sync.ts). Connection failures become GalleryError
 * STORE_UNAVAILABLE (the HTTP layer answers 503 with Retry-After).
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { FusionRule } from '../../core/fusion.js';
import { GalleryError, isGalleryError } from '../gallery-errors.js';
import {
  bytesOf,
  checkNewSubjects,
  checkSubject,
  type EmbeddingSpace,
  type FaceSummary,
  floatsOf,
  type GalleryStore,
  type InsertedSubjects,
  type NewFace,
  type NewSubject,
  spaceKeys,
  spaceMismatch,
  type SubjectSummary,
  type TemplateChange,
  templateOf,
  type TemplateRow,
} from '../gallery-store.js';
import type { SubjectTemplate } from '../../verify/template.js';
import { migrate } from './migrations.js';

/** The NOTIFY channel of committed template changes (payload: the change's sequence number). */
export const CHANGE_CHANNEL = 'pfe_gallery_changes';
/** Schema generation recorded in gallery_meta (the migrations' version 1 layout). */
const SCHEMA_VERSION = '1';
/**
 * Changes kept in the log: a replica away for longer than this many changes reloads the
 * whole index instead of catching up (at 100 enrolments/s, about 17 minutes).
 */
export const CHANGE_LOG_RETENTION = 100_000;
/** Prune the log once every this many changes (one DELETE, in the changing transaction). */
const PRUNE_EVERY = 1000;
/** Rows per page when the index is loaded (keyset pagination by id; bounds memory per query). */
const TEMPLATE_PAGE = 5000;
/** Connections of one replica's pool: one per concurrent request that touches the database; inference, not SQL, is the bottleneck. */
const POOL_SIZE = 8;
/** How long a request waits for a connection before the store reports itself unavailable (ms). */
const CONNECT_TIMEOUT_MS = 3000;

/** SQLSTATE classes and codes that mean "the server is not reachable now", not "the request is wrong". */
function isConnectionFailure(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (code.startsWith('08') || code.startsWith('53') || ['57P01', '57P02', '57P03'].includes(code)) return true;
    if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENOENT'].includes(code)) return true;
  }
  const message = e instanceof Error ? e.message : '';
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable/i.test(message);
}

/** A database error as a gallery error: connection failures are STORE_UNAVAILABLE, the rest pass through. */
function mapError(e: unknown): unknown {
  if (isGalleryError(e)) return e;
  if (isConnectionFailure(e)) return new GalleryError('STORE_UNAVAILABLE', `the PostgreSQL gallery is unreachable: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  return e;
}

/** The URL without its password, for logs. */
export function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable database URL)';
  }
}

interface SubjectRow {
  id: string;
  name: string | null;
  created_at: string;
  updated_at: string;
  face_count: number;
}

function summary(r: SubjectRow): SubjectSummary {
  return { id: r.id, name: r.name, createdAt: r.created_at, updatedAt: r.updated_at, faceCount: r.face_count };
}

function templateFromRow(mu: Buffer | null, sigmaSq: Buffer | null): SubjectTemplate | null {
  return mu === null ? null : { mu: floatsOf(mu), sigmaSq: sigmaSq === null ? null : floatsOf(sigmaSq) };
}

/** Changes after a sequence number, with each changed subject's current template. */
export interface ChangeBatch {
  /** The last sequence number covered. */
  readonly seq: number;
  /**
   * True when the asked sequence number cannot be caught up from: the changes after it were
   * pruned, or the database is behind it (restored or failed over). Reload everything.
   */
  readonly gap: boolean;
  /** One entry per changed subject: its template now (null: gone or no faces). */
  readonly changes: readonly TemplateChange[];
}

/** The PostgreSQL gallery. */
export class PostgresGalleryStore implements GalleryStore {
  readonly kind = 'postgres';
  readonly location: string;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly url: string,
    private readonly fusionRule: FusionRule,
  ) {
    this.location = redactedUrl(url);
  }

  /**
   * Connects, applies the migrations and checks (or records) the embedding space.
   * @throws GalleryError STORE_REFUSED (another embedding space), STORE_UNAVAILABLE
   */
  static async connect(url: string, space: EmbeddingSpace, fusionRule: FusionRule = 'min'): Promise<PostgresGalleryStore> {
    const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    // An idle connection that breaks (server restart) is dropped from the pool, not a crash.
    pool.on('error', () => undefined);
    // Nor one that breaks while checked out between two queries of a transaction: pg emits
    // 'error' on the client then, and an unheard 'error' would end the process. The
    // transaction's next query fails and transaction() discards the connection.
    pool.on('connect', (client) => client.on('error', () => undefined));
    const store = new PostgresGalleryStore(pool, url, fusionRule);
    try {
      const client = await pool.connect();
      try {
        await migrate(client);
        await client.query('BEGIN');
        await client.query('LOCK TABLE gallery_meta IN EXCLUSIVE MODE');
        for (const [key, value] of Object.entries(spaceKeys(space, fusionRule, SCHEMA_VERSION))) {
          const stored = (await client.query<{ value: string }>('SELECT value FROM gallery_meta WHERE key = $1', [key])).rows[0]?.value;
          if (stored === undefined) await client.query('INSERT INTO gallery_meta (key, value) VALUES ($1, $2)', [key, value]);
          else if (stored !== value) throw spaceMismatch(store.location, key, stored, value);
        }
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    } catch (e) {
      await pool.end();
      throw mapError(e);
    }
    return store;
  }

  /** A new connection of its own (LISTEN needs one that is not shared). */
  newClient(): pg.Client {
    return new pg.Client({ connectionString: this.url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  }

  async createSubject(id: string | undefined, name: string | null): Promise<SubjectSummary> {
    return this.transaction((c) => this.createSubjectIn(c, id, name));
  }

  async listSubjects(limit: number, after?: string): Promise<SubjectSummary[]> {
    const r = await this.query<SubjectRow>('SELECT id, name, created_at, updated_at, face_count FROM subjects WHERE id > $1 ORDER BY id LIMIT $2', [after ?? '', limit]);
    return r.rows.map(summary);
  }

  async countSubjects(): Promise<number> {
    return Number((await this.query<{ n: string }>('SELECT count(*) AS n FROM subjects')).rows[0]!.n);
  }

  async countTemplates(): Promise<number> {
    return Number((await this.query<{ n: string }>('SELECT count(*) AS n FROM subjects WHERE template_mu IS NOT NULL')).rows[0]!.n);
  }

  async getSubject(id: string): Promise<{ subject: SubjectSummary; faces: FaceSummary[] } | undefined> {
    // One snapshot for the subject and its faces.
    return this.transaction(async (c) => {
      const row = (await c.query<SubjectRow>('SELECT id, name, created_at, updated_at, face_count FROM subjects WHERE id = $1', [id])).rows[0];
      if (row === undefined) return undefined;
      const faces = (
        await c.query<{ id: string; created_at: string; uncertainty: number | null; detector_score: number | null; image_stored: boolean }>(
          'SELECT id, created_at, uncertainty, detector_score, image IS NOT NULL AS image_stored FROM faces WHERE subject_id = $1 ORDER BY created_at, id',
          [id],
        )
      ).rows.map((f) => ({ id: f.id, createdAt: f.created_at, uncertainty: f.uncertainty, detectorScore: f.detector_score, imageStored: f.image_stored }));
      return { subject: summary(row), faces };
    }, 'REPEATABLE READ');
  }

  async hasSubject(id: string): Promise<boolean> {
    return (await this.query('SELECT 1 FROM subjects WHERE id = $1', [id])).rowCount === 1;
  }

  async deleteSubject(id: string): Promise<TemplateChange> {
    return this.transaction(async (c) => {
      const deleted = await c.query('DELETE FROM subjects WHERE id = $1', [id]);
      if (deleted.rowCount === 0) throw new GalleryError('SUBJECT_NOT_FOUND', `no subject '${id}'`);
      await this.recordChange(c, id);
      return { subjectId: id, template: null };
    });
  }

  async addFace(subjectId: string, face: NewFace): Promise<{ face: FaceSummary; subject: SubjectSummary; change: TemplateChange }> {
    return this.transaction((c) => this.addFaceIn(c, subjectId, face));
  }

  async deleteFace(subjectId: string, faceId: string): Promise<TemplateChange> {
    return this.transaction(async (c) => {
      await this.lockSubject(c, subjectId);
      const deleted = await c.query('DELETE FROM faces WHERE id = $1 AND subject_id = $2', [faceId, subjectId]);
      if (deleted.rowCount === 0) throw new GalleryError('FACE_NOT_FOUND', `subject '${subjectId}' has no face '${faceId}'`);
      const { template } = await this.refreshTemplate(c, subjectId, new Date().toISOString());
      await this.recordChange(c, subjectId);
      return { subjectId, template };
    });
  }

  async getTemplate(subjectId: string): Promise<SubjectTemplate | null | undefined> {
    const row = (await this.query<{ template_mu: Buffer | null; template_sigma_sq: Buffer | null }>('SELECT template_mu, template_sigma_sq FROM subjects WHERE id = $1', [subjectId])).rows[0];
    if (row === undefined) return undefined;
    return templateFromRow(row.template_mu, row.template_sigma_sq);
  }

  async *templates(): AsyncGenerator<TemplateRow> {
    let after = '';
    for (;;) {
      const rows = (
        await this.query<{ id: string; template_mu: Buffer; template_sigma_sq: Buffer | null }>(
          'SELECT id, template_mu, template_sigma_sq FROM subjects WHERE template_mu IS NOT NULL AND id > $1 ORDER BY id LIMIT $2',
          [after, TEMPLATE_PAGE],
        )
      ).rows;
      for (const r of rows) yield { subjectId: r.id, template: templateFromRow(r.template_mu, r.template_sigma_sq)! };
      if (rows.length < TEMPLATE_PAGE) return;
      after = rows[rows.length - 1]!.id;
    }
  }

  async insertNewSubjects(subjects: readonly NewSubject[]): Promise<InsertedSubjects> {
    checkNewSubjects(subjects);
    return this.transaction(async (c) => {
      const changes: TemplateChange[] = [];
      const skipped: string[] = [];
      for (const s of subjects) {
        const now = new Date().toISOString();
        if (!(await this.insertSubjectRow(c, s.id, s.name, now))) {
          skipped.push(s.id);
          continue;
        }
        // The row is new and invisible to other transactions until commit: no lock needed.
        for (const face of s.faces) await this.insertFaceRow(c, s.id, face, randomUUID(), now);
        const { template } = await this.refreshTemplate(c, s.id, now);
        await this.recordChange(c, s.id);
        changes.push({ subjectId: s.id, template });
      }
      return { changes, skipped };
    });
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  /** The sequence number of the last committed change (0 before any). */
  async latestSeq(): Promise<number> {
    return Number((await this.query<{ seq: string }>('SELECT seq FROM gallery_sequence')).rows[0]!.seq);
  }

  /**
   * The changes after `seq` (at most `limit` change records), each changed subject with its
   * template as it is now. Re-reading the current template makes applying a batch
   * idempotent: applying it twice, or after a later local change, converges to the database.
   */
  async changesSince(seq: number, limit: number): Promise<ChangeBatch> {
    return this.transaction(async (c) => {
      const oldest = (await c.query<{ seq: string | null }>('SELECT min(seq) AS seq FROM gallery_changes')).rows[0]!.seq;
      const latest = Number((await c.query<{ seq: string }>('SELECT seq FROM gallery_sequence')).rows[0]!.seq);
      if (latest > seq && (oldest === null || Number(oldest) > seq + 1)) return { seq: latest, gap: true, changes: [] };
      // The database is behind the replica (restored from a backup, a lagging standby
      // promoted): the replica's index may hold changes the database lost.
      if (latest < seq) return { seq: latest, gap: true, changes: [] };
      const rows = (
        await c.query<{ seq: string; subject_id: string; template_mu: Buffer | null; template_sigma_sq: Buffer | null }>(
          `SELECT c.seq, c.subject_id, s.template_mu, s.template_sigma_sq
             FROM gallery_changes c LEFT JOIN subjects s ON s.id = c.subject_id
            WHERE c.seq > $1 ORDER BY c.seq LIMIT $2`,
          [seq, limit],
        )
      ).rows;
      const bySubject = new Map<string, TemplateChange>();
      for (const r of rows) bySubject.set(r.subject_id, { subjectId: r.subject_id, template: templateFromRow(r.template_mu, r.template_sigma_sq) });
      return { seq: rows.length === 0 ? seq : Number(rows[rows.length - 1]!.seq), gap: false, changes: [...bySubject.values()] };
    }, 'REPEATABLE READ');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async query<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(sql, params);
    } catch (e) {
      throw mapError(e);
    }
  }

  /** Runs `fn` in one transaction on one connection; a broken connection is discarded. */
  private async transaction<T>(fn: (c: pg.PoolClient) => Promise<T>, isolation: 'READ COMMITTED' | 'REPEATABLE READ' = 'READ COMMITTED'): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (e) {
      throw mapError(e);
    }
    let broken: Error | undefined;
    try {
      await client.query(`BEGIN ISOLATION LEVEL ${isolation}`);
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (e) {
      if (isConnectionFailure(e)) broken = e instanceof Error ? e : new Error(String(e));
      else await client.query('ROLLBACK').catch((r: unknown) => (broken = r instanceof Error ? r : new Error(String(r))));
      throw mapError(e);
    } finally {
      client.release(broken);
    }
  }

  private async createSubjectIn(c: pg.ClientBase, id: string | undefined, name: string | null): Promise<SubjectSummary> {
    const subjectId = id ?? randomUUID();
    checkSubject(subjectId, name);
    const now = new Date().toISOString();
    if (!(await this.insertSubjectRow(c, subjectId, name, now))) throw new GalleryError('SUBJECT_EXISTS', `subject '${subjectId}' already exists`);
    return { id: subjectId, name, createdAt: now, updatedAt: now, faceCount: 0 };
  }

  /** Inserts a subject row (no faces); false when the id exists already. */
  private async insertSubjectRow(c: pg.ClientBase, id: string, name: string | null, now: string): Promise<boolean> {
    const inserted = await c.query('INSERT INTO subjects (id, name, created_at, updated_at) VALUES ($1, $2, $3, $3) ON CONFLICT (id) DO NOTHING', [id, name, now]);
    return inserted.rowCount === 1;
  }

  /** Inserts a face row (the caller refreshes the template and records the change in the same transaction). */
  private async insertFaceRow(c: pg.ClientBase, subjectId: string, face: NewFace, faceId: string, now: string): Promise<void> {
    await c.query('INSERT INTO faces (id, subject_id, created_at, mu, sigma_sq, uncertainty, detector_score, image) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
      faceId,
      subjectId,
      now,
      bytesOf(face.mu),
      face.sigmaSq === null ? null : bytesOf(face.sigmaSq),
      face.uncertainty,
      face.detectorScore,
      face.image === undefined ? null : Buffer.from(face.image),
    ]);
  }

  private async addFaceIn(c: pg.ClientBase, subjectId: string, face: NewFace): Promise<{ face: FaceSummary; subject: SubjectSummary; change: TemplateChange }> {
    const now = new Date().toISOString();
    const faceId = randomUUID();
    await this.lockSubject(c, subjectId);
    await this.insertFaceRow(c, subjectId, face, faceId, now);
    const { template, subject } = await this.refreshTemplate(c, subjectId, now);
    await this.recordChange(c, subjectId);
    return {
      face: { id: faceId, createdAt: now, uncertainty: face.uncertainty, detectorScore: face.detectorScore, imageStored: face.image !== undefined },
      subject,
      change: { subjectId, template },
    };
  }

  /** Locks the subject's row until commit: its faces and template change one transaction at a time. @throws GalleryError SUBJECT_NOT_FOUND */
  private async lockSubject(c: pg.ClientBase, subjectId: string): Promise<void> {
    const r = await c.query('SELECT 1 FROM subjects WHERE id = $1 FOR UPDATE', [subjectId]);
    if (r.rowCount === 0) throw new GalleryError('SUBJECT_NOT_FOUND', `no subject '${subjectId}'`);
  }

  private async refreshTemplate(c: pg.ClientBase, subjectId: string, now: string): Promise<{ template: SubjectTemplate | null; subject: SubjectSummary }> {
    const faces = (await c.query<{ mu: Buffer; sigma_sq: Buffer | null }>('SELECT mu, sigma_sq FROM faces WHERE subject_id = $1 ORDER BY created_at, id', [subjectId])).rows.map((f) => ({
      mu: floatsOf(f.mu),
      sigmaSq: f.sigma_sq === null ? null : floatsOf(f.sigma_sq),
    }));
    const template = templateOf(faces, this.fusionRule);
    const row = (
      await c.query<SubjectRow>(
        'UPDATE subjects SET face_count = $1, updated_at = $2, template_mu = $3, template_sigma_sq = $4 WHERE id = $5 RETURNING id, name, created_at, updated_at, face_count',
        [faces.length, now, template === null ? null : bytesOf(template.mu), template?.sigmaSq ? bytesOf(template.sigmaSq) : null, subjectId],
      )
    ).rows[0]!;
    return { template, subject: summary(row) };
  }

  /**
   * Records a template change, last in its transaction: bumps the sequence (its row lock
   * orders commits), logs (seq, subject), and queues the notification sent on commit.
   */
  private async recordChange(c: pg.ClientBase, subjectId: string): Promise<void> {
    const seq = Number((await c.query<{ seq: string }>('UPDATE gallery_sequence SET seq = seq + 1 RETURNING seq')).rows[0]!.seq);
    await c.query('INSERT INTO gallery_changes (seq, subject_id) VALUES ($1, $2)', [seq, subjectId]);
    if (seq % PRUNE_EVERY === 0) await c.query('DELETE FROM gallery_changes WHERE seq <= $1', [seq - CHANGE_LOG_RETENTION]);
    await c.query('SELECT pg_notify($1, $2)', [CHANGE_CHANNEL, String(seq)]);
  }
}
