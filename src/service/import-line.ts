/**
 * The line format of the streamed bulk import (POST /v1/gallery/import, NDJSON): one subject
 * per line with all its faces, μ and σ² as /v1/embed answers them, e.g.
 *
 *   {"id":"alice","name":null,"faces":[{"mu":[…D numbers],"sigmaSq":[…D numbers]|null,"detectorScore":0.98|null}]}
 *
 * Parsed strictly (unknown fields are errors, as everywhere in the API) and checked with the
 * local import's face checks (checkedImportFace), so a face is accepted by the endpoint
 * exactly when `pfe gallery import --data` would accept it.
 */
import { PfeError } from '../core/errors.js';
import { float32Number } from '../io/float32-text.js';
import { checkedImportFace, type ImportSpace, type ImportSubject } from './gallery-import.js';
import { checkSubject, MAX_NAME_LENGTH, type NewFace } from './gallery-store.js';
import { isGalleryError } from './gallery-errors.js';

/**
 * Most faces on one line (one subject). About twice the largest LFW identity (530 images of
 * George W. Bush); the line-length bound below is derived from it.
 */
export const MAX_FACES_PER_LINE = 1000;

/**
 * Bytes allowed per number in the bound: the longest shortest-round-trip text of a double is
 * 24 characters (-2.2250738585072014e-308, as JSON.stringify and Python's repr write it); 32
 * leaves room for the separator and a space after it (Python's json.dumps writes ', ').
 */
const BYTES_PER_NUMBER = 32;
/** A face's keys and punctuation: {"mu":[],"sigmaSq":[],"detectorScore":<number>} is < 128 bytes. */
const BYTES_PER_FACE_FRAME = 128;
/**
 * A subject's keys, id and name: 128 id characters and 256 name characters, each at most 6
 * bytes as a JSON escape (\u00e9), plus keys and punctuation: < 4 KiB.
 */
const BYTES_PER_SUBJECT_FRAME = 4096;

/**
 * The longest import line the service reads, in bytes, for embeddings of dimension `dim`:
 * MAX_FACES_PER_LINE faces, each 2·D numbers (μ and σ²) of BYTES_PER_NUMBER, plus framing.
 * At D = 128 (dlib) 8.3 MB; at D = 1024 65.7 MB.
 */
export function maxImportLineBytes(dim: number): number {
  return BYTES_PER_SUBJECT_FRAME + MAX_FACES_PER_LINE * (2 * dim * BYTES_PER_NUMBER + BYTES_PER_FACE_FRAME);
}

/**
 * The float32 values of `values` as doubles whose JSON text has at most 9 significant digits
 * (float32-text.ts): a line about 40% shorter than with the double text, same bits read back.
 */
function float32Numbers(values: Float32Array): number[] {
  return Array.from(values, float32Number);
}

/**
 * One line for a subject (no line break): the format parseImportLine reads. Each number is
 * written with 9 significant digits, which parses back to the same float32, bit for bit.
 */
export function formatImportLine(subject: ImportSubject): string {
  return JSON.stringify({
    id: subject.id,
    name: subject.name,
    faces: subject.faces.map((f) => ({ mu: float32Numbers(f.mu), sigmaSq: f.sigmaSq === null ? null : float32Numbers(f.sigmaSq), detectorScore: f.detectorScore })),
  });
}

/** The JSON schema of one line (documentation: the OpenAPI document; parseImportLine checks it). */
export function importLineSchema(): Readonly<Record<string, unknown>> {
  const numbers = { type: 'array', items: { type: 'number' }, description: 'D numbers (the gallery\'s D: /v1/health gallery.dim), as /v1/embed answers them' };
  return {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'faces'],
    properties: {
      id: { type: 'string', description: 'subject id (pattern as for POST /v1/subjects); a subject the gallery has is skipped' },
      name: { type: ['string', 'null'], maxLength: MAX_NAME_LENGTH },
      faces: {
        type: 'array',
        minItems: 1,
        maxItems: MAX_FACES_PER_LINE,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['mu'],
          properties: {
            mu: { ...numbers, description: "μ: D finite numbers (the head's centred μ when the service has a head), as /v1/embed answers face.mu" },
            sigmaSq: { type: ['array', 'null'], items: { type: 'number' }, description: 'σ²: D finite numbers > 0 (all equal for a scalar-σ² head) when the service has a head; null or absent without one' },
            detectorScore: { type: ['number', 'null'], minimum: 0, maximum: 1 },
          },
        },
      },
    },
  };
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function refuse(message: string): PfeError {
  return new PfeError('INVALID_FORMAT', message);
}

function checkFields(value: Json, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(value)) if (!allowed.includes(key)) throw refuse(`unknown field '${key}' in ${where}`);
}

/**
 * A JSON array of numbers as 32-bit floats. JSON numbers are finite doubles except for
 * literals beyond the double range (1e400 parses as Infinity); a double beyond the float
 * range becomes ±Infinity, which the face checks refuse.
 */
function floatArray(value: unknown, name: string): Float32Array {
  if (!Array.isArray(value)) throw refuse(`${name} must be an array of numbers`);
  const out = new Float32Array(value.length);
  for (let l = 0; l < value.length; l++) {
    const v: unknown = value[l];
    if (typeof v !== 'number') throw refuse(`${name}[${l}] is not a number`);
    out[l] = v;
  }
  return out;
}

function parseFace(value: unknown, k: number, space: ImportSpace): NewFace {
  const where = `faces[${k}]`;
  if (!isObject(value)) throw refuse(`${where} must be an object`);
  checkFields(value, ['mu', 'sigmaSq', 'detectorScore'], where);
  if (!('mu' in value)) throw refuse(`${where} has no mu`);
  const mu = floatArray(value['mu'], `${where}.mu`);
  const sigmaSq = value['sigmaSq'] === undefined || value['sigmaSq'] === null ? null : floatArray(value['sigmaSq'], `${where}.sigmaSq`);
  const score = value['detectorScore'];
  if (score !== undefined && score !== null && typeof score !== 'number') throw refuse(`${where}.detectorScore must be a number or null`);
  try {
    return checkedImportFace(mu, sigmaSq, score ?? null, space);
  } catch (e) {
    if (e instanceof PfeError) throw new PfeError(e.code, `${where}: ${e.message}`, e.details);
    throw e;
  }
}

/**
 * Parses and checks one import line: JSON object with id, name (optional) and 1 to
 * MAX_FACES_PER_LINE faces, each checked as the local import checks a face.
 * @throws PfeError INVALID_FORMAT (not JSON, wrong shape, bad id or name), and the face
 *   checks' DIMENSION_MISMATCH, NON_FINITE, NON_POSITIVE_VARIANCE, INVALID_ARGUMENT; the
 *   message says which field (`faces[1].sigmaSq[7] is -1 …`) but not the line number
 */
export function parseImportLine(text: string, space: ImportSpace): ImportSubject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw refuse(`not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!isObject(value)) throw refuse('a line must be a JSON object {"id", "name", "faces"}');
  checkFields(value, ['id', 'name', 'faces'], 'the subject');
  const { id, name, faces } = value;
  if (typeof id !== 'string') throw refuse('id must be a string');
  if (name !== undefined && name !== null && typeof name !== 'string') throw refuse('name must be a string or null');
  try {
    checkSubject(id, name ?? null);
  } catch (e) {
    if (isGalleryError(e, 'INVALID_SUBJECT')) throw refuse(e.message);
    throw e;
  }
  if (!Array.isArray(faces) || faces.length === 0) throw refuse('faces must be a non-empty array (a subject without faces: POST /v1/subjects)');
  if (faces.length > MAX_FACES_PER_LINE) throw refuse(`${faces.length} faces on one line; at most ${MAX_FACES_PER_LINE}`);
  return { id, name: name ?? null, faces: faces.map((f, k) => parseFace(f, k, space)) };
}
