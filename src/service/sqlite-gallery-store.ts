/**
 * The embedded gallery: an SQLite database (better-sqlite3) in the data folder, for one
 * process. WAL journal, synchronous=FULL (an acknowledged change survives a process kill
 * and a power cut), foreign keys with ON DELETE CASCADE (deleting a subject deletes its
 * faces), secure_delete plus a WAL checkpoint after deletions (deleted biometric bytes
 * are overwritten, in the database file and the journal), every change one transaction,
 * the template rewritten in the same transaction as the faces. An exclusive lock refuses
 * a second process on the same folder: its in-memory index would not see this one's changes.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { FusionRule } from '../core/fusion.js';
import { GalleryError } from './gallery-errors.js';
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
} from './gallery-store.js';
import type { SubjectTemplate } from '../verify/template.js';

/** File name of the database inside the data directory. */
export const GALLERY_FILE_NAME = 'gallery.sqlite';
/** Version of the schema below, stored in the meta table. */
const SCHEMA_VERSION = '1';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS subjects (
  id TEXT PRIMARY KEY,
  name TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  face_count INTEGER NOT NULL DEFAULT 0,
  template_mu BLOB,
  template_sigma_sq BLOB
);
CREATE TABLE IF NOT EXISTS faces (
  id TEXT PRIMARY KEY,
  subject_id TEXT NOT NULL REFERENCES subjects(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  mu BLOB NOT NULL,
  sigma_sq BLOB,
  uncertainty REAL,
  detector_score REAL,
  image BLOB
);
CREATE INDEX IF NOT EXISTS faces_by_subject ON faces(subject_id);
`;

interface SubjectRow {
  id: string;
  name: string | null;
  created_at: string;
  updated_at: string;
  face_count: number;
}

interface FaceRow {
  id: string;
  created_at: string;
  uncertainty: number | null;
  detector_score: number | null;
  image_stored: number;
}

function summary(r: SubjectRow): SubjectSummary {
  return { id: r.id, name: r.name, createdAt: r.created_at, updatedAt: r.updated_at, faceCount: r.face_count };
}

/** The SQLite gallery. The work is synchronous; the methods return promises to fit GalleryStore. */
export class SqliteGalleryStore implements GalleryStore {
  readonly kind = 'sqlite';
  private readonly db: Database.Database;
  private readonly fusionRule: FusionRule;
  /** Statements by SQL text, prepared once per connection (see `sql`). */
  private readonly statements = new Map<string, Database.Statement<unknown[], unknown>>();
  /** The database file. */
  readonly file: string;

  private constructor(db: Database.Database, file: string, fusionRule: FusionRule) {
    this.db = db;
    this.file = file;
    this.fusionRule = fusionRule;
  }

  /**
   * The prepared statement for `source`, prepared on first use and kept: preparing a
   * statement at every call took a third of a bulk import's time (a CPU profile of
   * import-scale --via http: 734 ms of 2,200 ms in the transactions).
   */
  private sql<P extends unknown[] = unknown[], R = unknown>(source: string): Database.Statement<P, R> {
    let statement = this.statements.get(source);
    if (statement === undefined) this.statements.set(source, (statement = this.db.prepare<unknown[], unknown>(source)));
    return statement as unknown as Database.Statement<P, R>;
  }

  get location(): string {
    return this.file;
  }

  /**
   * Opens (creating) the gallery in `dataDir` and checks it holds embeddings of `space`.
   * @throws GalleryError STORE_REFUSED when the gallery was made with another head or
   *   dimension, or another process has it open
   */
  static open(dataDir: string, space: EmbeddingSpace, fusionRule: FusionRule = 'min'): SqliteGalleryStore {
    // Biometric data: a new data folder is readable by the service's user only.
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const file = path.join(dataDir, GALLERY_FILE_NAME);
    // No busy wait: the only other holder of the lock can be another process (see below).
    const db = new Database(file, { timeout: 0 });
    try {
      // One process per data folder. The exclusive lock, taken by the first write below and
      // held until close (the OS drops it when the process dies), refuses a second opener.
      db.pragma('locking_mode = EXCLUSIVE');
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      db.pragma('secure_delete = ON');
      db.exec(SCHEMA);
      const meta = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
      const put = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
      db.transaction(() => {
        for (const [key, value] of Object.entries(spaceKeys(space, fusionRule, SCHEMA_VERSION))) {
          const stored = meta.get(key)?.value;
          if (stored === undefined) put.run(key, value);
          else if (stored !== value) throw spaceMismatch(file, key, stored, value);
        }
      }).immediate();
    } catch (e) {
      db.close();
      if ((e as { code?: unknown }).code === 'SQLITE_BUSY') {
        throw new GalleryError(
          'STORE_REFUSED',
          `the data folder ${dataDir} is in use by another process (SQLite holds an exclusive lock on ${file}); run one pfe serve per data folder, or several replicas on a PostgreSQL gallery (--database postgres://...)`,
        );
      }
      throw e;
    }
    return new SqliteGalleryStore(db, file, fusionRule);
  }

  async createSubject(id: string | undefined, name: string | null): Promise<SubjectSummary> {
    return this.createSubjectNow(id, name);
  }

  async listSubjects(limit: number, after?: string): Promise<SubjectSummary[]> {
    const rows = this.sql<[string, number], SubjectRow>('SELECT id, name, created_at, updated_at, face_count FROM subjects WHERE id > ? ORDER BY id LIMIT ?').all(after ?? '', limit);
    return rows.map(summary);
  }

  async countSubjects(): Promise<number> {
    return this.sql<[], { n: number }>('SELECT count(*) AS n FROM subjects').get()!.n;
  }

  async countTemplates(): Promise<number> {
    return this.sql<[], { n: number }>('SELECT count(*) AS n FROM subjects WHERE template_mu IS NOT NULL').get()!.n;
  }

  async getSubject(id: string): Promise<{ subject: SubjectSummary; faces: FaceSummary[] } | undefined> {
    const row = this.subjectRow(id);
    if (row === undefined) return undefined;
    const faces = this.sql<[string], FaceRow>('SELECT id, created_at, uncertainty, detector_score, image IS NOT NULL AS image_stored FROM faces WHERE subject_id = ? ORDER BY created_at, id')
      .all(id)
      .map((f) => ({ id: f.id, createdAt: f.created_at, uncertainty: f.uncertainty, detectorScore: f.detector_score, imageStored: f.image_stored === 1 }));
    return { subject: summary(row), faces };
  }

  async hasSubject(subjectId: string): Promise<boolean> {
    return this.exists(subjectId);
  }

  async deleteSubject(id: string): Promise<TemplateChange> {
    const changes = this.sql('DELETE FROM subjects WHERE id = ?').run(id).changes;
    if (changes === 0) throw new GalleryError('SUBJECT_NOT_FOUND', `no subject '${id}'`);
    this.scrubJournal();
    return { subjectId: id, template: null };
  }

  async addFace(subjectId: string, face: NewFace): Promise<{ face: FaceSummary; subject: SubjectSummary; change: TemplateChange }> {
    return this.addFaceNow(subjectId, face);
  }

  async deleteFace(subjectId: string, faceId: string): Promise<TemplateChange> {
    const now = new Date().toISOString();
    const template = this.db.transaction(() => {
      if (!this.exists(subjectId)) throw new GalleryError('SUBJECT_NOT_FOUND', `no subject '${subjectId}'`);
      const changes = this.sql('DELETE FROM faces WHERE id = ? AND subject_id = ?').run(faceId, subjectId).changes;
      if (changes === 0) throw new GalleryError('FACE_NOT_FOUND', `subject '${subjectId}' has no face '${faceId}'`);
      return this.refreshTemplate(subjectId, now);
    })();
    this.scrubJournal();
    return { subjectId, template };
  }

  async getTemplate(subjectId: string): Promise<SubjectTemplate | null | undefined> {
    const row = this.sql<[string], { template_mu: Buffer | null; template_sigma_sq: Buffer | null }>('SELECT template_mu, template_sigma_sq FROM subjects WHERE id = ?').get(subjectId);
    if (row === undefined) return undefined;
    if (row.template_mu === null) return null;
    return { mu: floatsOf(row.template_mu), sigmaSq: row.template_sigma_sq === null ? null : floatsOf(row.template_sigma_sq) };
  }

  async *templates(): AsyncGenerator<TemplateRow> {
    const rows = this.sql<[], { id: string; template_mu: Buffer; template_sigma_sq: Buffer | null }>(
      'SELECT id, template_mu, template_sigma_sq FROM subjects WHERE template_mu IS NOT NULL ORDER BY id',
    ).all();
    for (const r of rows) yield { subjectId: r.id, template: { mu: floatsOf(r.template_mu), sigmaSq: r.template_sigma_sq === null ? null : floatsOf(r.template_sigma_sq) } };
  }

  async insertNewSubjects(subjects: readonly NewSubject[]): Promise<InsertedSubjects> {
    checkNewSubjects(subjects);
    return this.db.transaction(() => {
      const changes: TemplateChange[] = [];
      const skipped: string[] = [];
      for (const s of subjects) {
        const now = new Date().toISOString();
        if (!this.insertSubjectRow(s.id, s.name, now)) {
          skipped.push(s.id);
          continue;
        }
        for (const face of s.faces) this.insertFaceRow(s.id, face, randomUUID(), now);
        changes.push({ subjectId: s.id, template: this.refreshTemplate(s.id, now) });
      }
      return { changes, skipped };
    })();
  }

  async ping(): Promise<void> {
    try {
      this.sql('SELECT 1').get();
    } catch (e) {
      throw new GalleryError('STORE_UNAVAILABLE', `the gallery ${this.file} cannot be read: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }

  /** `PRAGMA integrity_check`: 'ok' for a sound database. */
  integrityCheck(): string {
    return (this.db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
  }

  async close(): Promise<void> {
    this.db.close();
  }

  private createSubjectNow(id: string | undefined, name: string | null): SubjectSummary {
    const subjectId = id ?? randomUUID();
    checkSubject(subjectId, name);
    const now = new Date().toISOString();
    if (!this.insertSubjectRow(subjectId, name, now)) throw new GalleryError('SUBJECT_EXISTS', `subject '${subjectId}' already exists`);
    return { id: subjectId, name, createdAt: now, updatedAt: now, faceCount: 0 };
  }

  /** Inserts a subject row (no faces); false when the id exists already. */
  private insertSubjectRow(id: string, name: string | null, now: string): boolean {
    return this.sql('INSERT INTO subjects (id, name, created_at, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING').run(id, name, now, now).changes === 1;
  }

  /** Inserts a face row (the caller refreshes the template in the same transaction). */
  private insertFaceRow(subjectId: string, face: NewFace, faceId: string, now: string): void {
    this.sql('INSERT INTO faces (id, subject_id, created_at, mu, sigma_sq, uncertainty, detector_score, image) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(faceId, subjectId, now, bytesOf(face.mu), face.sigmaSq === null ? null : bytesOf(face.sigmaSq), face.uncertainty, face.detectorScore, face.image === undefined ? null : Buffer.from(face.image));
  }

  private addFaceNow(subjectId: string, face: NewFace): { face: FaceSummary; subject: SubjectSummary; change: TemplateChange } {
    const now = new Date().toISOString();
    const faceId = randomUUID();
    return this.db.transaction(() => {
      if (!this.exists(subjectId)) throw new GalleryError('SUBJECT_NOT_FOUND', `no subject '${subjectId}'`);
      this.insertFaceRow(subjectId, face, faceId, now);
      const template = this.refreshTemplate(subjectId, now);
      return {
        face: { id: faceId, createdAt: now, uncertainty: face.uncertainty, detectorScore: face.detectorScore, imageStored: face.image !== undefined },
        subject: summary(this.subjectRow(subjectId)!),
        change: { subjectId, template },
      };
    })();
  }

  private subjectRow(id: string): SubjectRow | undefined {
    return this.sql<[string], SubjectRow>('SELECT id, name, created_at, updated_at, face_count FROM subjects WHERE id = ?').get(id);
  }

  private exists(subjectId: string): boolean {
    return this.sql<[string], { one: number }>('SELECT 1 AS one FROM subjects WHERE id = ?').get(subjectId) !== undefined;
  }

  /**
   * Checkpoints the WAL into the database file and truncates it: the WAL holds old copies
   * of changed pages (a deleted embedding's bytes among them) until a checkpoint, and
   * secure_delete only overwrites the database file.
   */
  private scrubJournal(): void {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  private refreshTemplate(subjectId: string, now: string): SubjectTemplate | null {
    const faces = this.sql<[string], { mu: Buffer; sigma_sq: Buffer | null }>('SELECT mu, sigma_sq FROM faces WHERE subject_id = ? ORDER BY created_at, id')
      .all(subjectId)
      .map((f) => ({ mu: floatsOf(f.mu), sigmaSq: f.sigma_sq === null ? null : floatsOf(f.sigma_sq) }));
    const template = templateOf(faces, this.fusionRule);
    this.sql('UPDATE subjects SET face_count = ?, updated_at = ?, template_mu = ?, template_sigma_sq = ? WHERE id = ?').run(faces.length, now, template === null ? null : bytesOf(template.mu), template?.sigmaSq ? bytesOf(template.sigmaSq) : null, subjectId);
    return template;
  }
}
