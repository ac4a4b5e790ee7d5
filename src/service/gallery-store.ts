/**
 * The durable gallery: subjects and their faces in an embedded SQLite database
 * (better-sqlite3) in the data directory. WAL journal, synchronous=FULL (an acknowledged
 * change survives a process kill and a power cut), foreign keys with ON DELETE CASCADE
 * (deleting a subject deletes its faces), secure_delete (deleted biometric bytes are
 * overwritten, not left in free pages), every change in one transaction.
 * A subject's fused template is stored beside its faces and rewritten in the same
 * transaction as every face change, so the template always matches the faces.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { FusionRule } from '../core/fusion.js';
import { PfeError } from '../core/errors.js';
import { ApiError } from './api-error.js';
import { type FaceEmbeddingRow, fuseTemplate, type SubjectTemplate } from './template.js';

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

/** What the embeddings in a gallery are (a gallery cannot mix embedding spaces). */
export interface EmbeddingSpace {
  /** D. */
  readonly dim: number;
  /** SHA-256 of the uncertainty head file, or 'none' (raw backbone mu, no σ²). */
  readonly head: string;
}

/** A subject as listed (no biometric data). */
export interface SubjectSummary {
  readonly id: string;
  readonly name: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly faceCount: number;
}

/** A face as listed (no biometric data). */
export interface FaceSummary {
  readonly id: string;
  readonly createdAt: string;
  readonly uncertainty: number | null;
  readonly detectorScore: number | null;
  readonly imageStored: boolean;
}

/** A face to add. */
export interface NewFace extends FaceEmbeddingRow {
  readonly uncertainty: number | null;
  readonly detectorScore: number | null;
  /** The uploaded image bytes, only when the operator asked to keep images. */
  readonly image?: Uint8Array;
}

/** A subject's template row (for the in-memory index). */
export interface TemplateRow {
  readonly subjectId: string;
  readonly template: SubjectTemplate;
}

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

/** Float32 view of a BLOB (copied: SQLite buffers are not 4-byte aligned). */
function floats(blob: Buffer): Float32Array {
  const out = new Float32Array(blob.byteLength / 4);
  new Uint8Array(out.buffer).set(blob);
  return out;
}

function blob(values: Float32Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

function summary(r: SubjectRow): SubjectSummary {
  return { id: r.id, name: r.name, createdAt: r.created_at, updatedAt: r.updated_at, faceCount: r.face_count };
}

/**
 * Subject ids: 1–128 characters of letters, digits, '_', '-', '.' (safe in URLs and logs),
 * except '.' and '..', which URL normalisation turns into another path (unreachable).
 */
export const SUBJECT_ID_PATTERN = '^(?!\\.\\.?$)[A-Za-z0-9_.-]{1,128}$';
const SUBJECT_ID_RE = new RegExp(SUBJECT_ID_PATTERN);
/** In a /u regex a surrogate pair is one code point, so this matches only unpaired halves. */
const LONE_SURROGATE_RE = /[\uD800-\uDFFF]/u;

/** The SQLite gallery. All methods are synchronous and transactional. */
export class GalleryStore {
  private readonly db: Database.Database;
  private readonly fusionRule: FusionRule;
  /** The database file. */
  readonly file: string;

  private constructor(db: Database.Database, file: string, fusionRule: FusionRule) {
    this.db = db;
    this.file = file;
    this.fusionRule = fusionRule;
  }

  /**
   * Opens (creating) the gallery in `dataDir` and checks it holds embeddings of `space`.
   * @throws Error when the gallery was made with another head or dimension
   */
  static open(dataDir: string, space: EmbeddingSpace, fusionRule: FusionRule = 'min'): GalleryStore {
    // Biometric data: a new data folder is readable by the service's user only.
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const file = path.join(dataDir, GALLERY_FILE_NAME);
    // No busy wait: the only other holder of the lock can be another process (see below).
    const db = new Database(file, { timeout: 0 });
    try {
      // One process per data folder: the in-memory index of a second one would not see the
      // first one's changes. The exclusive lock, taken by the first write below and held
      // until close (the OS drops it when the process dies), refuses a second opener.
      db.pragma('locking_mode = EXCLUSIVE');
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      db.pragma('secure_delete = ON');
      db.exec(SCHEMA);
      const meta = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
      const put = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
      db.transaction(() => {
        const expected: Record<string, string> = { schema: SCHEMA_VERSION, dim: String(space.dim), head: space.head, fusion: fusionRule };
        for (const [key, value] of Object.entries(expected)) {
          const stored = meta.get(key)?.value;
          if (stored === undefined) put.run(key, value);
          else if (stored !== value) {
            throw new Error(`the gallery in ${file} was made with ${key} = ${stored}, but the service runs with ${key} = ${value}; use another data directory`);
          }
        }
      }).immediate();
    } catch (e) {
      db.close();
      if ((e as { code?: unknown }).code === 'SQLITE_BUSY') {
        throw new PfeError(
          'IO_ERROR',
          `the data folder ${dataDir} is in use by another process (SQLite holds an exclusive lock on ${file}); run one pfe serve per data folder, or several replicas on a PostgreSQL gallery (--database postgres://...)`,
          { path: file },
        );
      }
      throw e;
    }
    return new GalleryStore(db, file, fusionRule);
  }

  /** Creates a subject. @throws ApiError 409 SUBJECT_EXISTS, 400 INVALID_REQUEST (bad id) */
  createSubject(id: string | undefined, name: string | null): SubjectSummary {
    const subjectId = id ?? randomUUID();
    if (!SUBJECT_ID_RE.test(subjectId)) throw new ApiError(400, 'INVALID_REQUEST', `subject id must match ${SUBJECT_ID_PATTERN}`);
    // A lone UTF-16 surrogate cannot be stored as UTF-8: it would come back as U+FFFD.
    if (name !== null && LONE_SURROGATE_RE.test(name)) throw new ApiError(400, 'INVALID_REQUEST', 'name is not well-formed Unicode (it has a lone surrogate)');
    const now = new Date().toISOString();
    try {
      this.db.prepare('INSERT INTO subjects (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)').run(subjectId, name, now, now);
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new ApiError(409, 'SUBJECT_EXISTS', `subject '${subjectId}' already exists`);
      throw e;
    }
    return { id: subjectId, name, createdAt: now, updatedAt: now, faceCount: 0 };
  }

  /** Subjects ordered by id, `limit` after the id `after` (keyset pagination). */
  listSubjects(limit: number, after?: string): SubjectSummary[] {
    const rows = this.db
      .prepare<[string, number], SubjectRow>('SELECT id, name, created_at, updated_at, face_count FROM subjects WHERE id > ? ORDER BY id LIMIT ?')
      .all(after ?? '', limit);
    return rows.map(summary);
  }

  /** Number of subjects. */
  countSubjects(): number {
    return this.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM subjects').get()!.n;
  }

  /** A subject and its faces (summaries), or undefined. */
  getSubject(id: string): { subject: SubjectSummary; faces: FaceSummary[] } | undefined {
    const row = this.db.prepare<[string], SubjectRow>('SELECT id, name, created_at, updated_at, face_count FROM subjects WHERE id = ?').get(id);
    if (row === undefined) return undefined;
    const faces = this.db
      .prepare<[string], FaceRow>('SELECT id, created_at, uncertainty, detector_score, image IS NOT NULL AS image_stored FROM faces WHERE subject_id = ? ORDER BY created_at, id')
      .all(id)
      .map((f) => ({ id: f.id, createdAt: f.created_at, uncertainty: f.uncertainty, detectorScore: f.detector_score, imageStored: f.image_stored === 1 }));
    return { subject: summary(row), faces };
  }

  /**
   * Deletes a subject and (cascade) all its faces, then checkpoints the WAL so the deleted
   * pages' old copies leave the journal too. @returns false when there was no such subject
   */
  deleteSubject(id: string): boolean {
    const changes = this.db.prepare('DELETE FROM subjects WHERE id = ?').run(id).changes;
    if (changes > 0) this.scrubJournal();
    return changes > 0;
  }

  /**
   * Adds a face to a subject and rewrites the subject's template, in one transaction.
   * @throws ApiError 404 SUBJECT_NOT_FOUND
   */
  addFace(subjectId: string, face: NewFace): { face: FaceSummary; template: SubjectTemplate; faceCount: number } {
    const now = new Date().toISOString();
    const faceId = randomUUID();
    return this.db.transaction(() => {
      if (!this.exists(subjectId)) throw new ApiError(404, 'SUBJECT_NOT_FOUND', `no subject '${subjectId}'`);
      this.db
        .prepare('INSERT INTO faces (id, subject_id, created_at, mu, sigma_sq, uncertainty, detector_score, image) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(faceId, subjectId, now, blob(face.mu), face.sigmaSq === null ? null : blob(face.sigmaSq), face.uncertainty, face.detectorScore, face.image === undefined ? null : Buffer.from(face.image));
      const { template, faceCount } = this.refreshTemplate(subjectId, now);
      return {
        face: { id: faceId, createdAt: now, uncertainty: face.uncertainty, detectorScore: face.detectorScore, imageStored: face.image !== undefined },
        template: template!,
        faceCount,
      };
    })();
  }

  /**
   * Deletes one face and rewrites the template (none left: the template is cleared).
   * @throws ApiError 404 SUBJECT_NOT_FOUND / FACE_NOT_FOUND
   */
  deleteFace(subjectId: string, faceId: string): { template: SubjectTemplate | null; faceCount: number } {
    const now = new Date().toISOString();
    const result = this.db.transaction(() => {
      if (!this.exists(subjectId)) throw new ApiError(404, 'SUBJECT_NOT_FOUND', `no subject '${subjectId}'`);
      const changes = this.db.prepare('DELETE FROM faces WHERE id = ? AND subject_id = ?').run(faceId, subjectId).changes;
      if (changes === 0) throw new ApiError(404, 'FACE_NOT_FOUND', `subject '${subjectId}' has no face '${faceId}'`);
      return this.refreshTemplate(subjectId, now);
    })();
    this.scrubJournal();
    return result;
  }

  /**
   * Checkpoints the WAL into the database file and truncates it: the WAL holds old copies
   * of changed pages (a deleted embedding's bytes among them) until a checkpoint, and
   * secure_delete only overwrites the database file.
   */
  private scrubJournal(): void {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  /** A subject's template, undefined without subject, null without faces. */
  getTemplate(subjectId: string): SubjectTemplate | null | undefined {
    const row = this.db
      .prepare<[string], { template_mu: Buffer | null; template_sigma_sq: Buffer | null }>('SELECT template_mu, template_sigma_sq FROM subjects WHERE id = ?')
      .get(subjectId);
    if (row === undefined) return undefined;
    if (row.template_mu === null) return null;
    return { mu: floats(row.template_mu), sigmaSq: row.template_sigma_sq === null ? null : floats(row.template_sigma_sq) };
  }

  /** Every subject that has a template (for building the in-memory index). */
  *templates(): Generator<TemplateRow> {
    const rows = this.db
      .prepare<[], { id: string; template_mu: Buffer; template_sigma_sq: Buffer | null }>(
        'SELECT id, template_mu, template_sigma_sq FROM subjects WHERE template_mu IS NOT NULL ORDER BY id',
      )
      .iterate();
    for (const r of rows) yield { subjectId: r.id, template: { mu: floats(r.template_mu), sigmaSq: r.template_sigma_sq === null ? null : floats(r.template_sigma_sq) } };
  }

  /**
   * Inserts subjects with one face each, in one transaction (bulk loading, e.g. synthetic
   * galleries for load tests). The template of a one-face subject is that face (fused).
   */
  insertSubjectsWithFace(subjects: readonly { id: string; name: string | null; face: NewFace }[]): void {
    this.db.transaction(() => {
      for (const s of subjects) {
        this.createSubject(s.id, s.name);
        this.addFace(s.id, s.face);
      }
    })();
  }

  /** Reads from the database (readiness): throws when it cannot. */
  ping(): void {
    this.db.prepare('SELECT 1').get();
  }

  /** Number of subjects with a template (what the in-memory index must hold). */
  countTemplates(): number {
    return this.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM subjects WHERE template_mu IS NOT NULL').get()!.n;
  }

  /** `PRAGMA integrity_check`: 'ok' for a sound database. */
  integrityCheck(): string {
    return (this.db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
  }

  /** Closes the database. */
  close(): void {
    this.db.close();
  }

  /** True when the subject exists. */
  hasSubject(subjectId: string): boolean {
    return this.exists(subjectId);
  }

  private exists(subjectId: string): boolean {
    return this.db.prepare<[string], { one: number }>('SELECT 1 AS one FROM subjects WHERE id = ?').get(subjectId) !== undefined;
  }

  private refreshTemplate(subjectId: string, now: string): { template: SubjectTemplate | null; faceCount: number } {
    const faces = this.db
      .prepare<[string], { mu: Buffer; sigma_sq: Buffer | null }>('SELECT mu, sigma_sq FROM faces WHERE subject_id = ? ORDER BY created_at, id')
      .all(subjectId)
      .map((f) => ({ mu: floats(f.mu), sigmaSq: f.sigma_sq === null ? null : floats(f.sigma_sq) }));
    const template = faces.length === 0 ? null : fuseTemplate(faces, this.fusionRule);
    this.db
      .prepare('UPDATE subjects SET face_count = ?, updated_at = ?, template_mu = ?, template_sigma_sq = ? WHERE id = ?')
      .run(faces.length, now, template === null ? null : blob(template.mu), template?.sigmaSq ? blob(template.sigmaSq) : null, subjectId);
    return { template, faceCount: faces.length };
  }
}
