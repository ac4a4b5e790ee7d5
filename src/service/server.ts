/**
 * The HTTP server (Fastify): strict JSON schemas (unknown fields are errors, nothing is
 * silently dropped), request size limits, API-key checks on writes and biometric reads,
 * and one error shape `{ "error": { "code", "message" } }` without stack traces. Also serves
 * the browser demo page under /demo/ (demo-routes.ts).
 */
import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, type RouteOptions } from 'fastify';
import multipart from '@fastify/multipart';
import { ApiError, InternalFault, statusOfImageError } from './api-error.js';
import { GalleryError } from './gallery-errors.js';
import { type JsonSchema, type RouteId, ROUTES, type RouteSpec } from './api-spec.js';
import type { ServiceConfig } from './config.js';
import type { AnalyzerBackend, FaceAnalysis } from './face-analysis.js';
import { imageLabel, readImageInput } from './image-input.js';
import { openApiDocument } from './openapi.js';
import { falseMatchRisk, templateUncertainties } from '../verify/decision.js';
import { checkQuality } from '../verify/quality-gate.js';
import { createServiceContext, type ServiceContext } from './service-context.js';
import { registerDemoRoutes } from './demo-routes.js';
import { handleImport, type ImportRouteDeps } from './import-route.js';
import { lingerThenClose, startRequestDeadline } from './streamed-http.js';

/** Version reported by /health and the OpenAPI document. */
export const API_VERSION = '1.0.0';

/** Default number of identification candidates. */
const DEFAULT_TOP_K = 5;

/** Detector view and uncertainty of a face, as answered (no vectors). */
function faceQuality(ctx: ServiceContext, f: FaceAnalysis): Record<string, unknown> {
  return {
    uncertaintyAvailable: ctx.uncertaintyAvailable,
    uncertainty: f.uncertainty,
    detectorScore: f.detectorScore,
    faceCount: f.faceCount,
    box: f.box,
    landmarks: f.landmarks,
  };
}

/**
 * Runs one image through the pool and the quality gate.
 * @param gate refuse low-quality faces (false for /embed, which reports the verdict instead)
 * @throws ApiError 422/413 for unusable images, 503 when busy
 */
async function analyzeImage(ctx: ServiceContext, image: Uint8Array, label: string, gate: boolean): Promise<FaceAnalysis> {
  const result = await ctx.pool.analyze(image);
  if (result.status === 'failed') {
    const status = statusOfImageError(result.code);
    // Not the image's fault (a model that cannot load, I/O): its message may name server paths.
    if (status === undefined) throw new InternalFault(`image ${label}: ${result.code}: ${result.reason}`);
    // The pipeline's messages name an internal placeholder path; answer with the file (and field) name.
    const message = result.reason.replace(/<upload \d+>|<buffer>/g, label);
    throw new ApiError(status, result.code, message);
  }
  if (gate) {
    const rejection = checkQuality(result.face, ctx.quality);
    if (rejection !== null) throw new ApiError(422, rejection.code, `image ${label}: ${rejection.reason}`);
  }
  return result.face;
}

/** One readiness check: ok, and what was seen. */
interface ReadinessCheck {
  readonly ok: boolean;
  readonly detail: string;
}

/**
 * Readiness: the models are loaded (at least one live inference worker), the database
 * answers, and the in-memory index holds what the database holds.
 */
async function readiness(ctx: ServiceContext): Promise<Record<'models' | 'database' | 'index', ReadinessCheck>> {
  const pool = ctx.pool.stats();
  const models = { ok: pool.liveWorkers > 0, detail: `${pool.liveWorkers} of ${pool.workers} inference workers live` };
  let database: ReadinessCheck;
  let index: ReadinessCheck;
  try {
    await ctx.store.ping();
    database = { ok: true, detail: `reachable (${ctx.store.kind})` };
    index = await ctx.indexInSync();
  } catch (e) {
    process.stderr.write(`${new Date().toISOString()} readiness: the database check failed: ${e instanceof Error ? e.message : String(e)}\n`);
    database = { ok: false, detail: 'unreachable' };
    index = { ok: false, detail: 'unknown (database unreachable)' };
  }
  return { models, database, index };
}

/** What a handler gets besides the request: the service, and what streamed routes need of the server. */
type Handler = (ctx: ServiceContext, request: FastifyRequest, reply: FastifyReply, server: ImportRouteDeps) => Promise<unknown>;

function param(request: FastifyRequest, name: string): string {
  return (request.params as Record<string, string>)[name]!;
}

function imageFieldsOf(id: RouteId): NonNullable<RouteSpec['imageFields']> {
  return ROUTES.find((r) => r.id === id)!.imageFields!;
}

/** Largest single image: the whole body limit (an image cannot be larger than its request). */
function maxImageBytes(ctx: ServiceContext): number {
  return ctx.config.maxBodyBytes;
}

/** One handler per route id: a route without a handler, or a handler without a route, does not compile. */
const HANDLERS: Readonly<Record<RouteId, Handler>> = {
  async health(ctx) {
    return {
      status: 'ok',
      version: API_VERSION,
      uncertaintyAvailable: ctx.uncertaintyAvailable,
      head: ctx.head?.identity ?? null,
      decisionMetric: ctx.policy.metric,
      targetFar: ctx.policy.targetFar,
      threshold: ctx.policy.threshold,
      quality: ctx.quality,
      // Liveness only: no database call here (see ready).
      // What the gallery holds: what a bulk import's lines must match (pfe gallery import --url asks).
      gallery: { templates: ctx.index.size, dim: ctx.index.dim, sigmaLayout: ctx.index.layout },
      inference: ctx.pool.stats(),
      // How late the event loop ran over the last minute: a slow answer with a small delay is the network's.
      eventLoopDelay: ctx.eventLoop.summary(),
    };
  },

  async ready(ctx, _request, reply) {
    const checks = await readiness(ctx);
    const ready = Object.values(checks).every((c) => c.ok);
    if (!ready) void reply.code(503).header('retry-after', '1');
    return {
      status: ready ? 'ready' : 'not ready',
      checks,
      ...(ready ? {} : { error: { code: 'NOT_READY', message: Object.entries(checks).filter(([, c]) => !c.ok).map(([k, c]) => `${k}: ${c.detail}`).join('; ') } }),
    };
  },

  async openapi() {
    return openApiDocument(ROUTES, API_VERSION);
  },

  async embed(ctx, request) {
    const input = await readImageInput(request, imageFieldsOf('embed'), maxImageBytes(ctx));
    const face = await analyzeImage(ctx, input.images['image']!, imageLabel(input, 'image'), false);
    const rejection = checkQuality(face, ctx.quality);
    return {
      face: { ...faceQuality(ctx, face), mu: Array.from(face.mu), sigmaSq: face.sigmaSq === null ? null : Array.from(face.sigmaSq) },
      quality: rejection === null ? { passed: true } : { passed: false, code: rejection.code, reason: rejection.reason },
    };
  },

  async compare(ctx, request) {
    const input = await readImageInput(request, imageFieldsOf('compare'), maxImageBytes(ctx));
    const [a, b] = await Promise.all([analyzeImage(ctx, input.images['a']!, imageLabel(input, 'a'), true), analyzeImage(ctx, input.images['b']!, imageLabel(input, 'b'), true)]);
    return { a: faceQuality(ctx, a), b: faceQuality(ctx, b), comparison: ctx.policy.compare(a, b) };
  },

  async createSubject(ctx, request, reply) {
    const body = (request.body ?? {}) as { id?: string; name?: string };
    const subject = await ctx.store.createSubject(body.id, body.name ?? null);
    void reply.code(201);
    return subject;
  },

  async listSubjects(ctx, request) {
    const q = request.query as { limit: number; after?: string };
    const subjects = await ctx.store.listSubjects(q.limit, q.after);
    return { subjects, next: subjects.length === q.limit ? subjects[subjects.length - 1]!.id : null };
  },

  async getSubject(ctx, request) {
    const id = param(request, 'subjectId');
    const found = await ctx.store.getSubject(id);
    if (found === undefined) throw new ApiError(404, 'SUBJECT_NOT_FOUND', `no subject '${id}'`);
    return found;
  },

  async deleteSubject(ctx, request, reply) {
    const id = param(request, 'subjectId');
    const change = await ctx.store.deleteSubject(id);
    // Commit first; the in-memory index follows only a committed change.
    ctx.index.set(change.subjectId, change.template);
    void reply.code(204);
    return null;
  },

  async addFace(ctx, request, reply) {
    const id = param(request, 'subjectId');
    if (!(await ctx.store.hasSubject(id))) throw new ApiError(404, 'SUBJECT_NOT_FOUND', `no subject '${id}'`);
    const input = await readImageInput(request, imageFieldsOf('addFace'), maxImageBytes(ctx));
    const image = input.images['image']!;
    const face = await analyzeImage(ctx, image, imageLabel(input, 'image'), true);
    // Commit first; the in-memory index follows only a committed change.
    const added = await ctx.store.addFace(id, {
      mu: face.mu,
      sigmaSq: face.sigmaSq,
      uncertainty: face.uncertainty,
      detectorScore: face.detectorScore,
      ...(ctx.config.storeImages ? { image } : {}),
    });
    ctx.index.set(id, added.change.template);
    void reply.code(201);
    return { face: added.face, subject: added.subject, quality: faceQuality(ctx, face) };
  },

  async deleteFace(ctx, request, reply) {
    const id = param(request, 'subjectId');
    const change = await ctx.store.deleteFace(id, param(request, 'faceId'));
    ctx.index.set(id, change.template);
    void reply.code(204);
    return null;
  },

  async verify(ctx, request) {
    const id = param(request, 'subjectId');
    if (!(await ctx.store.hasSubject(id))) throw new ApiError(404, 'SUBJECT_NOT_FOUND', `no subject '${id}'`);
    const input = await readImageInput(request, imageFieldsOf('verify'), maxImageBytes(ctx));
    const probe = await analyzeImage(ctx, input.images['image']!, imageLabel(input, 'image'), true);
    // Read the template after inference: it may have changed (or gone) meanwhile.
    const template = ctx.index.get(id);
    if (template === undefined) {
      if (!(await ctx.store.hasSubject(id))) throw new ApiError(404, 'SUBJECT_NOT_FOUND', `no subject '${id}'`);
      throw new ApiError(409, 'SUBJECT_HAS_NO_FACES', `subject '${id}' has no enrolled face yet`);
    }
    return { subjectId: id, probe: faceQuality(ctx, probe), comparison: ctx.policy.compare(probe, template) };
  },

  async importGallery(ctx, request, reply, server) {
    return handleImport(ctx, request, reply, server);
  },

  async identify(ctx, request) {
    const input = await readImageInput(request, imageFieldsOf('identify'), maxImageBytes(ctx));
    const probe = await analyzeImage(ctx, input.images['image']!, imageLabel(input, 'image'), true);
    const hits = await ctx.index.search(probe, input.options['topK'] ?? DEFAULT_TOP_K);
    const n = ctx.index.size;
    const candidates = hits.map((h) => {
      // The subject's template gives the pair's uncertainty cell (quality-aware calibration).
      const template = ctx.index.get(h.subjectId);
      const comparison = ctx.policy.decide(h.cosine, h.mls, template === undefined ? null : templateUncertainties(probe, template));
      return { subjectId: h.subjectId, comparison, falseMatchRisk: falseMatchRisk(comparison.estimatedFar, n) };
    });
    const best = candidates[0];
    return {
      identified: best !== undefined && best.comparison.match ? best.subjectId : null,
      gallerySize: n,
      // Chance that someone not enrolled is identified, at the configured per-comparison FAR.
      falseIdentificationRate: falseMatchRisk(ctx.policy.targetFar, n),
      candidates,
      probe: faceQuality(ctx, probe),
    };
  },
};

/** What an error is answered with. */
interface ErrorAnswer {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Maps any thrown error to status, code, message and headers; never exposes a stack, and
 * for server faults never the fault's own message (it may name files): only the request
 * id, under which the details are logged.
 */
function errorResponse(error: unknown, requestId: string): ErrorAnswer {
  if (error instanceof ApiError) return { status: error.status, code: error.code, message: error.message, headers: error.headers };
  if (error instanceof GalleryError) {
    const mapped = answerOfGalleryError(error);
    if (mapped !== undefined) return mapped;
  }
  const e = error as Partial<FastifyError>;
  if (!(error instanceof InternalFault)) {
    if (e.validation !== undefined) {
      const extra = e.validation.find((v) => v.keyword === 'additionalProperties');
      if (extra !== undefined) {
        const name = (extra.params as { additionalProperty?: string }).additionalProperty ?? '?';
        return { status: 400, code: 'UNKNOWN_FIELD', message: `unknown field '${name}' in ${e.validationContext ?? 'request'}`, headers: {} };
      }
      return { status: 400, code: 'INVALID_REQUEST', message: e.message ?? 'invalid request', headers: {} };
    }
    const status = e.statusCode;
    if (status === 413) return { status, code: 'PAYLOAD_TOO_LARGE', message: 'the request is larger than the service accepts', headers: {} };
    if (status !== undefined && status >= 400 && status < 500) return { status, code: 'INVALID_REQUEST', message: e.message ?? 'invalid request', headers: {} };
  }
  return { status: 500, code: 'INTERNAL_ERROR', message: `internal error; the service log has the details under request id ${requestId}`, headers: {} };
}

/**
 * The HTTP answer of a gallery error: the stores speak of subjects and connections, the
 * API of statuses. STORE_REFUSED is a server fault (undefined: a 500).
 */
function answerOfGalleryError(e: GalleryError): ErrorAnswer | undefined {
  switch (e.kind) {
    case 'SUBJECT_NOT_FOUND':
    case 'FACE_NOT_FOUND':
      return { status: 404, code: e.kind, message: e.message, headers: {} };
    case 'SUBJECT_EXISTS':
      return { status: 409, code: e.kind, message: e.message, headers: {} };
    case 'INVALID_SUBJECT':
      return { status: 400, code: 'INVALID_REQUEST', message: e.message, headers: {} };
    case 'STORE_UNAVAILABLE':
      // The message may name the database host: clients get the fact, the log the detail.
      return { status: 503, code: 'DATABASE_UNAVAILABLE', message: 'the gallery database is unreachable; retry shortly', headers: { 'Retry-After': '1' } };
    default:
      return undefined;
  }
}

/** One log line per server fault: time, request id, request, and the full detail. */
function logFault(request: FastifyRequest, error: unknown): void {
  const detail = error instanceof InternalFault ? error.detail : error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`${new Date().toISOString()} request ${request.id} ${request.method} ${request.url.split('?')[0]}: ${detail}\n`);
}

/**
 * Answers errors Node's HTTP parser raises before Fastify sees a request (headers over
 * the limit, a malformed request line, a client too slow to send its headers) in the
 * API's error shape, instead of Fastify's default body without a `code`.
 */
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, code, message]: [number, string, string] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'REQUEST_HEADERS_TOO_LARGE', 'the request headers are larger than the service accepts']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'REQUEST_TIMEOUT', 'the request was not received in time']
        : [400, 'INVALID_REQUEST', 'malformed HTTP request'];
  const body = JSON.stringify({ error: { code, message } });
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** The 408 of a request that did not arrive whole in time (as Node answers one), then the connection's close. */
function answerRequestTimeout(socket: Socket): void {
  answerClientError(Object.assign(new Error('request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), socket);
  if (!socket.destroyed) socket.once('finish', () => socket.destroy());
}

/**
 * Query strings are text: turns the values of integer query parameters that are written
 * as decimal integers into numbers before validation. Bodies get no such help: the JSON
 * schemas are checked without type coercion (`{"name": null}` is not a name).
 */
function coerceIntegerQuery(schema: JsonSchema | undefined): ((request: FastifyRequest) => Promise<void>) | undefined {
  const properties = (schema?.['properties'] ?? {}) as Record<string, { type?: unknown }>;
  const integers = Object.keys(properties).filter((k) => properties[k]!.type === 'integer');
  if (integers.length === 0) return undefined;
  return async (request) => {
    const query = request.query as Record<string, unknown>;
    for (const k of integers) {
      const v = query[k];
      if (typeof v === 'string' && /^[-+]?\d{1,15}$/.test(v)) query[k] = Number(v);
    }
  };
}

/** Builds the Fastify app on a service context (not listening yet). */
export async function buildApp(ctx: ServiceContext): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    // A request id that is unique across replicas and restarts (it is quoted to clients in 500s).
    genReqId: () => randomUUID(),
    bodyLimit: ctx.config.maxBodyBytes,
    // Node's whole-request deadline is off: it would cut the streamed import. Every other
    // route gets it per request (startRequestDeadline below); headers keep Node's own limit.
    requestTimeout: 0,
    http: { requestTimeout: 0, headersTimeout: ctx.config.requestTimeoutMs },
    // Strict schemas: report unknown fields instead of removing them; no type coercion
    // (integer query parameters are converted explicitly: coerceIntegerQuery).
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
    clientErrorHandler: answerClientError,
    // A URL the router cannot decode (e.g. '/demo/%zz') gets the API's error shape, not Fastify's.
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      void reply.code(400).send({ error: { code: 'INVALID_REQUEST', message: error.message } });
    },
  });
  await app.register(multipart, {
    limits: { fileSize: ctx.config.maxBodyBytes, files: 2, fields: 4, parts: 6, fieldSize: 1024 },
  });

  app.setErrorHandler((error, request, reply) => {
    const r = errorResponse(error, request.id);
    if (r.code === 'INTERNAL_ERROR' || r.code === 'DATABASE_UNAVAILABLE') logFault(request, error);
    void reply
      .code(r.status)
      .headers({ ...r.headers, 'x-request-id': request.id })
      .send({ error: { code: r.code, message: r.message, requestId: request.id } });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ error: { code: 'NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` } });
  });

  // Stops streamed imports at their next line when the service shuts down (close waits for open requests).
  const closing = new AbortController();
  app.addHook('preClose', async () => closing.abort());
  const server: ImportRouteDeps = {
    signal: closing.signal,
    answerOf(error, request) {
      const r = errorResponse(error, request.id);
      if (r.code === 'INTERNAL_ERROR' || r.code === 'DATABASE_UNAVAILABLE') logFault(request, error);
      return r;
    },
    log: (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`),
  };
  // Every request but a streamed one must arrive whole within the request timeout.
  const streamedUrls = new Set(ROUTES.filter((r) => r.ndjsonBody !== undefined).map((r) => r.url));
  app.addHook('onRequest', async (request, reply) => {
    if (!streamedUrls.has(request.routeOptions.url ?? '')) startRequestDeadline(request, reply, ctx.config.requestTimeoutMs, answerRequestTimeout);
  });
  const routeOptions = (route: (typeof ROUTES)[number]): RouteOptions => {
    const handler = HANDLERS[route.id];
    const coerceQuery = coerceIntegerQuery(route.query);
    return {
      method: route.method,
      url: route.url,
      schema: {
        ...(route.params === undefined ? {} : { params: route.params }),
        ...(route.query === undefined ? {} : { querystring: route.query }),
        ...(route.body === undefined ? {} : { body: route.body }),
      },
      ...(coerceQuery === undefined ? {} : { preValidation: coerceQuery }),
      // Authenticate, and shed load on image routes, before the body is read: an unauthenticated
      // upload, or one the full inference queue would refuse anyway, is not parsed.
      onRequest: async (request, reply) => {
        // An answer before a streamed upload's end (an error, a refused key): close gently.
        if (route.ndjsonBody !== undefined) reply.raw.once('finish', () => lingerThenClose(request.raw));
        if (route.auth && ctx.apiKey !== undefined) ctx.apiKey.check(request.headers);
        if (route.imageFields !== undefined) ctx.pool.checkCapacity();
      },
      handler: async (request, reply) => handler(ctx, request, reply, server),
    };
  };
  for (const route of ROUTES) if (route.ndjsonBody === undefined) app.route(routeOptions(route));
  // Streamed routes in a scope of their own: the body is handed over as a stream, unread
  // (so the whole-body limit does not apply), and only as NDJSON (anything else is a 415).
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/x-ndjson', (_request, payload, done) => done(null, payload));
    for (const route of ROUTES) if (route.ndjsonBody !== undefined) scope.route(routeOptions(route));
  });
  // The browser demo page: public static files, no API key (see demo-routes.ts).
  registerDemoRoutes(app, ctx.config.webDir);
  checkKeyBeforeContinue(app, ctx);
  return app;
}

/**
 * `Expect: 100-continue` (curl sends it with large uploads): Node answers 100 by itself
 * unless the server handles 'checkContinue', so a client with a wrong key was told to send
 * its body, a bulk import's gigabytes included, before it got its 401. Here the key is
 * checked first for every method that has no public route (public routes are GETs), and a
 * refused request gets its 401 instead of the 100.
 */
function checkKeyBeforeContinue(app: FastifyInstance, ctx: ServiceContext): void {
  const apiKey = ctx.apiKey;
  const methodsWithPublicRoutes = new Set<string>(ROUTES.filter((r) => !r.auth).map((r) => r.method));
  app.server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (apiKey !== undefined && !methodsWithPublicRoutes.has(req.method ?? '')) {
      try {
        apiKey.check(req.headers);
      } catch (e) {
        const requestId = randomUUID();
        const r = errorResponse(e, requestId);
        const body = JSON.stringify({ error: { code: r.code, message: r.message, requestId } });
        // The body was never asked for: close rather than read it.
        res.writeHead(r.status, { ...r.headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'x-request-id': requestId, connection: 'close' });
        res.end(body);
        return;
      }
    }
    res.writeContinue();
    app.server.emit('request', req, res);
  });
}

/** A started service. */
export interface RunningService {
  readonly app: FastifyInstance;
  readonly context: ServiceContext;
  /** e.g. http://127.0.0.1:8080 */
  readonly url: string;
  close(): Promise<void>;
}

/** Creates the context, builds the app and listens. */
export async function startService(config: ServiceConfig, backends?: readonly AnalyzerBackend[]): Promise<RunningService> {
  const context = await createServiceContext(config, backends);
  try {
    const app = await buildApp(context);
    await app.listen({ host: config.host, port: config.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.port;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    return {
      app,
      context,
      url: `http://${host}:${port}`,
      async close() {
        await app.close();
        await context.close();
      },
    };
  } catch (e) {
    await context.close();
    throw e;
  }
}
