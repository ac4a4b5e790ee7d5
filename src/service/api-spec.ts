/**
 * The API's routes as data: method, path, whether an API key is needed, request shape
 * (JSON schema, or image fields read by image-input.ts) and the response shapes. The
 * router validates with these schemas and the OpenAPI document is generated from them,
 * so the two cannot drift apart.
 */
import type { ImageFields } from './image-input.js';
import { SUBJECT_ID_PATTERN } from './gallery-store.js';
import { importLineSchema, MAX_FACES_PER_LINE, maxImportLineBytes } from './import-line.js';
import { DEFAULT_SERVICE_IMPORT_BATCH, MAX_BATCH_TEXT_BYTES, MAX_IMPORT_BATCH } from './import-route.js';

/** A JSON schema (the subset used here). */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** One route. */
export interface RouteSpec {
  readonly id: string;
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** Fastify path syntax (`:id`). */
  readonly url: string;
  readonly summary: string;
  /** Needs the API key (writes and biometric reads). */
  readonly auth: boolean;
  readonly params?: JsonSchema;
  readonly query?: JsonSchema;
  /** JSON body schema (non-image routes). */
  readonly body?: JsonSchema;
  /** Image routes: multipart or base64 JSON, see image-input.ts. */
  readonly imageFields?: ImageFields;
  /**
   * A streamed NDJSON body (application/x-ndjson): the schema of one line. The handler gets
   * the body as a stream; the whole-body limit and whole-request deadline do not apply
   * (the route bounds each line and the wait between two pieces of the body instead).
   */
  readonly ndjsonBody?: JsonSchema;
  /** Status → [description, schema or null for no body, media type when not application/json]. */
  readonly responses: Readonly<Record<number, readonly [string, JsonSchema | null] | readonly [string, JsonSchema, 'application/x-ndjson']>>;
}

const subjectIdParam: JsonSchema = { type: 'string', pattern: SUBJECT_ID_PATTERN };

const point: JsonSchema = { type: 'object', properties: { x: { type: 'number' }, y: { type: 'number' } } };
const box: JsonSchema = {
  type: ['object', 'null'],
  properties: { x: { type: 'number' }, y: { type: 'number' }, width: { type: 'number' }, height: { type: 'number' } },
};

/** The quality verdict and the detector's view of a face (no biometric vectors). */
const faceQuality: JsonSchema = {
  type: 'object',
  properties: {
    uncertaintyAvailable: { type: 'boolean', description: 'false when the service runs without an uncertainty head (fallback)' },
    uncertainty: { type: ['number', 'null'], description: 'harmonic mean of σ² (PFE uncertainty; lower = more certain)' },
    detectorScore: { type: ['number', 'null'] },
    faceCount: { type: ['integer', 'null'] },
    box,
    landmarks: { type: 'array', items: point, description: 'five points: eyes, nose tip, mouth corners (image pixels)' },
  },
};

const comparison: JsonSchema = {
  type: 'object',
  properties: {
    mls: { type: ['number', 'null'], description: 'mutual likelihood score (nats, paper form); null without σ²' },
    cosine: { type: 'number' },
    decisionMetric: { type: 'string', enum: ['mls', 'cosine'] },
    estimatedFar: { type: 'number', description: 'fraction of calibration impostor pairs scoring at least as high; an upper bound (= farResolution) when farBeyondData' },
    farBeyondData: { type: 'boolean', description: 'score above every calibration impostor: FAR < farResolution' },
    farResolution: { type: 'number' },
    targetFar: { type: 'number' },
    threshold: { type: 'number', description: "smallest calibrated score accepted at targetFar (the pair's uncertainty cell's, when uncertaintyBand is set)" },
    uncertaintyBand: {
      type: ['integer', 'null'],
      description: "quality-aware calibration: the cell of the pair's two uncertainties whose impostor table gave estimatedFar and threshold (0 = most certain); null when the global table was used",
    },
    match: { type: 'boolean' },
  },
};

const subject: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: ['string', 'null'] },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
    faceCount: { type: 'integer' },
  },
};

const face: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    createdAt: { type: 'string' },
    uncertainty: { type: ['number', 'null'] },
    detectorScore: { type: ['number', 'null'] },
    imageStored: { type: 'boolean' },
  },
};

const error: JsonSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' }, requestId: { type: 'string', description: 'quote it when reporting a 500: the service log has the details under it' } },
    },
  },
};

const imageErrors = {
  400: ['bad request (INVALID_REQUEST, UNKNOWN_FIELD)', error],
  401: ['missing or wrong API key (UNAUTHORIZED)', error],
  413: ['request or image too large (PAYLOAD_TOO_LARGE, IMAGE_TOO_LARGE)', error],
  422: ['unusable image (IMAGE_DECODE_FAILED, UNSUPPORTED_FORMAT, NO_FACE, MULTIPLE_FACES, LOW_QUALITY)', error],
  503: ['inference queue full (SERVICE_BUSY) or gallery database unreachable (DATABASE_UNAVAILABLE); see Retry-After', error],
} as const;

const topK = { minimum: 1, maximum: 100, description: 'number of candidates (default 5)' };

/** Every line of the import's answer carries the counts so far. */
const importCounts = {
  committedLines: { type: 'integer', description: 'number of the last line of the last committed batch (every line up to it is in the gallery, or skipped)' },
  imported: { type: 'integer', description: 'subjects created by this request' },
  skipped: { type: 'integer', description: 'subjects the gallery already had (left unchanged)' },
  faces: { type: 'integer', description: 'faces added by this request' },
};

/** Every route of the API, as a literal so that RouteId lists the ids. */
const ROUTE_LIST = [
  {
    id: 'health',
    method: 'GET',
    url: '/v1/health',
    summary: "Liveness (no database call) and load: templates in memory, the gallery's D and σ² layout (gallery.dim, gallery.sigmaLayout: none, diagonal or isotropic), inference queue, whether uncertainty is available, and how late the event loop ran over the last minute (eventLoopDelay: p50Ms, p99Ms, maxMs, windowSeconds)",
    auth: false,
    responses: { 200: ['service status', { type: 'object' }] },
  },
  {
    id: 'ready',
    method: 'GET',
    url: '/v1/ready',
    summary: 'Readiness: models loaded, database reachable, in-memory index in sync with the database (503 NOT_READY otherwise)',
    auth: false,
    responses: {
      200: ['ready', { type: 'object', properties: { status: { type: 'string' }, checks: { type: 'object' } } }],
      503: ['not ready: which check failed', { type: 'object', properties: { status: { type: 'string' }, checks: { type: 'object' }, error: (error['properties'] as Record<string, JsonSchema>)['error']! } }],
    },
  },
  {
    id: 'openapi',
    method: 'GET',
    url: '/v1/openapi.json',
    summary: 'This API as an OpenAPI 3.1 document',
    auth: false,
    responses: { 200: ['OpenAPI document', { type: 'object' }] },
  },
  {
    id: 'embed',
    method: 'POST',
    url: '/v1/embed',
    summary: 'Embed one image: mu, σ², uncertainty, box, landmarks and the quality verdict',
    auth: true,
    imageFields: { images: ['image'], options: {} },
    responses: {
      200: [
        'the face',
        {
          type: 'object',
          properties: {
            face: { ...faceQuality, properties: { ...(faceQuality['properties'] as object), mu: { type: 'array', items: { type: 'number' }, description: "L2-normalised embedding (D = 1024), centred with the head's training mean when a head is bound" }, sigmaSq: { type: ['array', 'null'], items: { type: 'number' }, description: 'σ² per dimension; null without a head' } } },
            quality: { type: 'object', properties: { passed: { type: 'boolean' }, code: { type: 'string' }, reason: { type: 'string' } } },
          },
        },
      ],
      ...imageErrors,
    },
  },
  {
    id: 'compare',
    method: 'POST',
    url: '/v1/compare',
    summary: 'Compare two images: MLS, cosine, estimated FAR and the decision at the target FAR',
    auth: true,
    imageFields: { images: ['a', 'b'], options: {} },
    responses: { 200: ['the comparison', { type: 'object', properties: { a: faceQuality, b: faceQuality, comparison } }], ...imageErrors },
  },
  {
    id: 'createSubject',
    method: 'POST',
    url: '/v1/subjects',
    summary: 'Create a subject (an id is generated when none is given)',
    auth: true,
    body: {
      type: 'object',
      additionalProperties: false,
      properties: { id: subjectIdParam, name: { type: 'string', maxLength: 256, description: 'well-formed Unicode (no lone surrogates)' } },
    },
    responses: { 201: ['the subject', subject], 400: ['bad request', error], 401: ['unauthorized', error], 409: ['SUBJECT_EXISTS', error] },
  },
  {
    id: 'listSubjects',
    method: 'GET',
    url: '/v1/subjects',
    summary: 'List subjects by id (keyset pagination: pass the last id as `after`)',
    auth: true,
    query: {
      type: 'object',
      additionalProperties: false,
      properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 }, after: { type: 'string', maxLength: 128 } },
    },
    responses: { 200: ['a page of subjects', { type: 'object', properties: { subjects: { type: 'array', items: subject }, next: { type: ['string', 'null'] } } }], 401: ['unauthorized', error] },
  },
  {
    id: 'getSubject',
    method: 'GET',
    url: '/v1/subjects/:subjectId',
    summary: 'A subject and its faces (no biometric vectors)',
    auth: true,
    params: { type: 'object', properties: { subjectId: subjectIdParam }, required: ['subjectId'] },
    responses: { 200: ['the subject', { type: 'object', properties: { subject, faces: { type: 'array', items: face } } }], 401: ['unauthorized', error], 404: ['SUBJECT_NOT_FOUND', error] },
  },
  {
    id: 'deleteSubject',
    method: 'DELETE',
    url: '/v1/subjects/:subjectId',
    summary: 'Delete a subject and all its biometric data (faces, template, stored images)',
    auth: true,
    params: { type: 'object', properties: { subjectId: subjectIdParam }, required: ['subjectId'] },
    responses: { 204: ['deleted', null], 401: ['unauthorized', error], 404: ['SUBJECT_NOT_FOUND', error] },
  },
  {
    id: 'addFace',
    method: 'POST',
    url: '/v1/subjects/:subjectId/faces',
    summary: "Enrol a face: quality-gated, then fused into the subject's template",
    auth: true,
    params: { type: 'object', properties: { subjectId: subjectIdParam }, required: ['subjectId'] },
    imageFields: { images: ['image'], options: {} },
    responses: { 201: ['the new face and the updated subject', { type: 'object', properties: { face, subject, quality: faceQuality } }], 404: ['SUBJECT_NOT_FOUND', error], ...imageErrors },
  },
  {
    id: 'deleteFace',
    method: 'DELETE',
    url: '/v1/subjects/:subjectId/faces/:faceId',
    summary: 'Delete one face; the template is refitted from the others',
    auth: true,
    params: { type: 'object', properties: { subjectId: subjectIdParam, faceId: { type: 'string', maxLength: 64 } }, required: ['subjectId', 'faceId'] },
    responses: { 204: ['deleted', null], 401: ['unauthorized', error], 404: ['SUBJECT_NOT_FOUND, FACE_NOT_FOUND', error] },
  },
  {
    id: 'verify',
    method: 'POST',
    url: '/v1/subjects/:subjectId/verify',
    summary: "Verify an image against a subject's template (1:1)",
    auth: true,
    params: { type: 'object', properties: { subjectId: subjectIdParam }, required: ['subjectId'] },
    imageFields: { images: ['image'], options: {} },
    responses: {
      200: ['the comparison', { type: 'object', properties: { subjectId: { type: 'string' }, probe: faceQuality, comparison } }],
      404: ['SUBJECT_NOT_FOUND', error],
      409: ['SUBJECT_HAS_NO_FACES', error],
      ...imageErrors,
    },
  },
  {
    id: 'identify',
    method: 'POST',
    url: '/v1/identify',
    summary: 'Identify an image among all subjects (1:N): top-k candidates with open-set rejection',
    auth: true,
    imageFields: { images: ['image'], options: { topK } },
    responses: {
      200: [
        'candidates, best first; identified is null when the best one is not a match at the target FAR',
        {
          type: 'object',
          properties: {
            identified: { type: ['string', 'null'] },
            gallerySize: { type: 'integer' },
            falseIdentificationRate: {
              type: 'number',
              description: 'chance that someone not enrolled gets identified at the target FAR: 1 − (1 − targetFar)^gallerySize (independent comparisons); lower --target-far for large galleries',
            },
            candidates: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  subjectId: { type: 'string' },
                  comparison,
                  falseMatchRisk: { type: 'number', description: 'chance that someone not enrolled scores this high against at least one subject: 1 − (1 − estimatedFar)^gallerySize' },
                },
              },
            },
            probe: faceQuality,
          },
        },
      ],
      ...imageErrors,
    },
  },
  {
    id: 'importGallery',
    method: 'POST',
    url: '/v1/gallery/import',
    summary:
      'Bulk import (application/x-ndjson, streamed): one subject per line with all its faces, μ and σ² as /v1/embed answers them; committed in batches, each subject with all its faces in one transaction per batch; subjects the gallery has are skipped, so re-sending the stream resumes it',
    auth: true,
    query: {
      type: 'object',
      additionalProperties: false,
      properties: {
        batch: {
          type: 'integer',
          minimum: 1,
          maximum: MAX_IMPORT_BATCH,
          default: DEFAULT_SERVICE_IMPORT_BATCH,
          description: `subjects per transaction (a batch also commits early once its lines reach ${MAX_BATCH_TEXT_BYTES / 1024 / 1024} MiB); the maximum bounds how long one commit holds the service`,
        },
      },
    },
    ndjsonBody: importLineSchema(),
    responses: {
      200: [
        `NDJSON: one progress line per committed batch, then {"done": true, …} — or, when a line after the first committed batch is refused, {"error": {code, message, line, requestId}, …} as the last line (the status is sent with the first batch and cannot change; the batches before the error stay committed). A line may hold at most ${MAX_FACES_PER_LINE} faces, in at most ${(maxImportLineBytes(128) / 1e6).toFixed(1)} MB at D = 128 (${(maxImportLineBytes(1024) / 1e6).toFixed(1)} MB at D = 1024: ${MAX_FACES_PER_LINE} faces of 2·D numbers at 32 bytes each, plus framing; maxImportLineBytes in import-line.ts)`,
        {
          type: 'object',
          properties: {
            ...importCounts,
            done: { type: 'boolean', description: 'on the last line of a finished import' },
            error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, line: { type: 'integer' }, requestId: { type: 'string' } }, description: 'on the last line of a stopped import' },
          },
        },
        'application/x-ndjson',
      ],
      400: ['a line refused before any batch was committed (INVALID_LINE: not JSON, wrong shape or dimension, non-finite numbers, σ² ≤ 0, an id twice in a batch); nothing imported', error],
      401: ['missing or wrong API key (UNAUTHORIZED)', error],
      408: ['no data for the request timeout (60 s by default) before the first commit (REQUEST_TIMEOUT)', error],
      413: ['a line longer than the bound before the first commit (LINE_TOO_LONG)', error],
      415: ['not application/x-ndjson (INVALID_REQUEST)', error],
      503: ['gallery database unreachable (DATABASE_UNAVAILABLE) or the service shutting down (SHUTTING_DOWN) before the first commit; see Retry-After', error],
    },
  },
] as const satisfies readonly RouteSpec[];

/** The id of every route; server.ts has one handler per id. */
export type RouteId = (typeof ROUTE_LIST)[number]['id'];

/** Every route of the API. */
export const ROUTES: readonly (RouteSpec & { readonly id: RouteId })[] = ROUTE_LIST;
