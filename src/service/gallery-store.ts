/**
 * The durable gallery, as an interface with two implementations: SQLite in the data folder
 * (sqlite-gallery-store.ts, the embedded default: one process) and PostgreSQL
 * (postgres-gallery-store.ts: several replicas share it). Both hold subjects and their
 * faces, and each subject's fused template, rewritten in the same transaction as every
 * change of its faces; every change is one transaction. They raise GalleryError (never
 * HTTP errors) and pass the same test suite (gallery-store-suite.ts).
 */
import type { FusionRule } from '../core/fusion.js';
import { GalleryError } from './gallery-errors.js';
import { type FaceEmbeddingRow, fuseTemplate, type SubjectTemplate } from '../verify/template.js';

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

/** A subject to insert with all its faces (bulk import). */
export interface NewSubject {
  readonly id: string;
  readonly name: string | null;
  readonly faces: readonly NewFace[];
}

/** What one bulk insertion did. */
export interface InsertedSubjects {
  /** The template of every subject inserted, in input order (for the in-memory index, after commit). */
  readonly changes: readonly TemplateChange[];
  /** Ids of the subjects the gallery already had, left as they were. */
  readonly skipped: readonly string[];
}

/** A subject's template row (for the in-memory index). */
export interface TemplateRow {
  readonly subjectId: string;
  readonly template: SubjectTemplate;
}

/** A committed change of a subject's template (null: no template any more). */
export interface TemplateChange {
  readonly subjectId: string;
  readonly template: SubjectTemplate | null;
}

/** The gallery. Every method that changes something is one transaction. */
export interface GalleryStore {
  /** 'sqlite' or 'postgres'. */
  readonly kind: 'sqlite' | 'postgres';
  /** Where the gallery is, for logs (no password). */
  readonly location: string;
  /** Creates a subject (id generated when undefined). @throws GalleryError SUBJECT_EXISTS, INVALID_SUBJECT */
  createSubject(id: string | undefined, name: string | null): Promise<SubjectSummary>;
  /** Subjects ordered by id (bytewise), `limit` after the id `after` (keyset pagination). */
  listSubjects(limit: number, after?: string): Promise<SubjectSummary[]>;
  countSubjects(): Promise<number>;
  /** Number of subjects with a template (what the in-memory index must hold). */
  countTemplates(): Promise<number>;
  /** A subject and its faces (summaries), or undefined. */
  getSubject(id: string): Promise<{ subject: SubjectSummary; faces: FaceSummary[] } | undefined>;
  hasSubject(id: string): Promise<boolean>;
  /** Deletes a subject, its faces and template, leaving no copy of them in journals. @throws GalleryError SUBJECT_NOT_FOUND */
  deleteSubject(id: string): Promise<TemplateChange>;
  /** Adds a face and rewrites the template. @throws GalleryError SUBJECT_NOT_FOUND */
  addFace(subjectId: string, face: NewFace): Promise<{ face: FaceSummary; subject: SubjectSummary; change: TemplateChange }>;
  /** Deletes a face and rewrites the template (cleared with the last face). @throws GalleryError SUBJECT_NOT_FOUND, FACE_NOT_FOUND */
  deleteFace(subjectId: string, faceId: string): Promise<TemplateChange>;
  /** A subject's template: undefined without subject, null without faces. */
  getTemplate(subjectId: string): Promise<SubjectTemplate | null | undefined>;
  /** Every subject that has a template (for building the in-memory index), by id. */
  templates(): AsyncIterable<TemplateRow>;
  /**
   * Inserts subjects with all their faces and templates in ONE transaction (bulk import:
   * an interruption leaves every subject of the call whole or absent). A subject the gallery
   * already has is left unchanged and reported as skipped, so a re-sent import resumes.
   * @throws GalleryError INVALID_SUBJECT (bad id or name, or an id given twice in the call;
   *   nothing is inserted then)
   */
  insertNewSubjects(subjects: readonly NewSubject[]): Promise<InsertedSubjects>;
  /** Reads from the database: resolves when it answers. @throws GalleryError STORE_UNAVAILABLE */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Subject ids: 1–128 characters of letters, digits, '_', '-', '.' (safe in URLs and logs),
 * except '.' and '..', which URL normalisation turns into another path (unreachable).
 */
export const SUBJECT_ID_PATTERN = '^(?!\\.\\.?$)[A-Za-z0-9_.-]{1,128}$';
const SUBJECT_ID_RE = new RegExp(SUBJECT_ID_PATTERN);
/** In a /u regex a surrogate pair is one code point, so this matches only unpaired halves. */
const LONE_SURROGATE_RE = /[\uD800-\uDFFF]/u;
/** Longest subject name (characters), as in the API's schema. */
export const MAX_NAME_LENGTH = 256;

/** Checks a subject's id and name before they are stored. @throws GalleryError INVALID_SUBJECT */
export function checkSubject(id: string, name: string | null): void {
  if (!SUBJECT_ID_RE.test(id)) throw new GalleryError('INVALID_SUBJECT', `subject id must match ${SUBJECT_ID_PATTERN}`);
  if (name === null) return;
  if (name.length > MAX_NAME_LENGTH) throw new GalleryError('INVALID_SUBJECT', `name is longer than ${MAX_NAME_LENGTH} characters`);
  // A lone UTF-16 surrogate cannot be stored as UTF-8: it would come back as U+FFFD.
  if (LONE_SURROGATE_RE.test(name)) throw new GalleryError('INVALID_SUBJECT', 'name is not well-formed Unicode (it has a lone surrogate)');
  // PostgreSQL text cannot hold U+0000; refused in both stores so they behave alike.
  if (name.includes('\u0000')) throw new GalleryError('INVALID_SUBJECT', 'name contains the character U+0000');
}

/**
 * Checks every subject of a bulk insertion before its transaction starts: ids and names
 * (checkSubject), and no id twice (the second would be skipped as present, its faces lost).
 * @throws GalleryError INVALID_SUBJECT
 */
export function checkNewSubjects(subjects: readonly NewSubject[]): void {
  const seen = new Set<string>();
  for (const s of subjects) {
    checkSubject(s.id, s.name);
    if (seen.has(s.id)) throw new GalleryError('INVALID_SUBJECT', `subject '${s.id}' is given twice in one insertion`);
    seen.add(s.id);
  }
}

/** Float32 copy of stored bytes (copied: database buffers are not 4-byte aligned). */
export function floatsOf(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** The bytes of a Float32Array (platform byte order: little-endian on every supported machine). */
export function bytesOf(values: Float32Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

/** The template of a subject's faces (null without faces). */
export function templateOf(faces: readonly FaceEmbeddingRow[], rule: FusionRule): SubjectTemplate | null {
  return faces.length === 0 ? null : fuseTemplate(faces, rule);
}

/** The embedding-space keys a gallery records on creation and checks on every open. */
export function spaceKeys(space: EmbeddingSpace, fusionRule: FusionRule, schemaVersion: string): Record<string, string> {
  return { schema: schemaVersion, dim: String(space.dim), head: space.head, fusion: fusionRule };
}

/** The refusal of a gallery made for another embedding space. */
export function spaceMismatch(where: string, key: string, stored: string, wanted: string): GalleryError {
  return new GalleryError('STORE_REFUSED', `the gallery in ${where} was made with ${key} = ${stored}, but the service runs with ${key} = ${wanted}; use another data directory or database`);
}
