/**
 * POST /v1/gallery/import: subjects with their faces as an NDJSON stream (import-line.ts),
 * read line by line with back-pressure (no line is read while a batch's transaction runs),
 * committed in batches, each subject with all its faces in one transaction per batch. The
 * in-memory index follows each batch after its commit. Subjects the gallery has are skipped,
 * so sending the same stream again after an interruption resumes it.
 *
 * Statuses: until the first batch is committed nothing has changed, so a refused line is an
 * ordinary error answer (400 INVALID_LINE, 413 LINE_TOO_LONG, 408 REQUEST_TIMEOUT); the
 * answer then begins (200, NDJSON) with the first batch's progress line, after which the
 * status cannot change: a later refusal is the answer's last line, `{"error": …}`, with the
 * counts of what is committed. A client must read the last line: `"done": true` or `"error"`.
 */
import type { Readable } from 'node:stream';
import { setImmediate } from 'node:timers/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PfeError } from '../core/errors.js';
import { LineReadError, type NumberedLine, readLines } from '../io/line-reader.js';
import { ApiError, type ApiErrorCode } from './api-error.js';
import { commitImportBatch, type ImportSpace, type ImportSubject, type ImportSummary } from './gallery-import.js';
import { maxImportLineBytes, parseImportLine } from './import-line.js';
import type { ServiceContext } from './service-context.js';
import { NdjsonAnswer } from './streamed-http.js';

/**
 * Largest `?batch=`: one transaction's subjects. The SQLite store is synchronous, so a batch's
 * transaction holds the service's event loop (every other request waits) until it commits;
 * at about 75 µs per one-face subject (see DEFAULT_SERVICE_IMPORT_BATCH) 10,000 subjects
 * hold it about 0.75 s, and with several faces each, longer.
 */
export const MAX_IMPORT_BATCH = 10_000;

/**
 * Default `?batch=` of the endpoint. A running service answers other requests between
 * batches only, so a batch must commit quickly: the SQLite store spends about 75 µs per
 * subject of one face (D = 128) in the transaction, plus the commit's fsync, so 250 subjects
 * hold the event loop about 20–30 ms (profiled on import-scale --via http). With 2,000,
 * /v1/health took up to 257 ms during an import, for no gain in import rate (both 4.4 s for
 * 20,000 subjects: the client, not the commits, set the pace).
 */
export const DEFAULT_SERVICE_IMPORT_BATCH = 250;

/**
 * Line text one batch may gather before it is committed early, whatever `?batch=` says: a
 * batch is held in memory (parsed) until it commits, so this bounds one import's memory.
 * Typical lines (one face, D = 128: ~5 KB) fill a 2,000-subject batch with ~10 MB.
 */
export const MAX_BATCH_TEXT_BYTES = 64 * 1024 * 1024;

/**
 * Longest stretch of parsing (ms) before the import lets the event loop answer other
 * requests: lines that are already buffered arrive as resolved promises, so without a
 * deliberate yield a whole batch is parsed in one go while /v1/health waits. Measured with
 * import-scale --via http (50,000 subjects, batch 250): slices of 10 ms gave health p50/p99
 * 30/63 ms, slices of 2 ms 7/43 ms, at the same import rate (a turn costs microseconds).
 */
const MAX_PARSE_SLICE_MS = 2;

/** Counts of an import so far: `committedLines` is the number of the last line committed. */
export interface ImportProgress extends ImportSummary {
  committedLines: number;
}

/** A refused line, with its number. */
class RefusedLine extends ApiError {
  constructor(
    status: number,
    code: ApiErrorCode,
    readonly line: number,
    message: string,
    headers: Readonly<Record<string, string>> = {},
  ) {
    super(status, code, message, headers);
  }
}

/** The refusal a reading error stands for (errors of the stream itself, e.g. a client gone, pass through). */
function refusalOfReadError(e: unknown): unknown {
  if (!(e instanceof LineReadError)) return e;
  switch (e.kind) {
    case 'TOO_LONG':
      return new RefusedLine(413, 'LINE_TOO_LONG', e.line, e.message);
    case 'NOT_UTF8':
      return new RefusedLine(400, 'INVALID_LINE', e.line, e.message);
    case 'IDLE':
      return new RefusedLine(408, 'REQUEST_TIMEOUT', e.line, e.message);
    case 'STOPPED':
      return new RefusedLine(503, 'SHUTTING_DOWN', e.line, `the service is shutting down (at line ${e.line})`, { 'Retry-After': '1' });
  }
}

/** A batch of checked subjects and the number of its last line. */
interface ImportBatch {
  readonly subjects: ImportSubject[];
  readonly lastLine: number;
}

/**
 * Batches of checked subjects: `size` subjects, or fewer once their lines reach `maxBytes`.
 * Pulls lines only when the caller asks for the next batch.
 * @throws RefusedLine for a line that is not a valid subject, or an id twice in one batch
 */
async function* importBatches(lines: AsyncIterable<NumberedLine>, space: ImportSpace, size: number, maxBytes: number): AsyncGenerator<ImportBatch> {
  let subjects: ImportSubject[] = [];
  let lineOf = new Map<string, number>();
  let bytes = 0;
  let lastLine = 0;
  let sliceStart = performance.now();
  try {
    for await (const line of lines) {
      if (performance.now() - sliceStart > MAX_PARSE_SLICE_MS) {
        // A turn of the event loop: I/O callbacks (other requests) run before this resumes.
        await setImmediate();
        sliceStart = performance.now();
      }
      let subject: ImportSubject;
      try {
        subject = parseImportLine(line.text, space);
      } catch (e) {
        if (e instanceof PfeError) throw new RefusedLine(400, 'INVALID_LINE', line.number, `line ${line.number}: ${e.message}`);
        throw e;
      }
      const earlier = lineOf.get(subject.id);
      if (earlier !== undefined) {
        throw new RefusedLine(400, 'INVALID_LINE', line.number, `line ${line.number}: subject '${subject.id}' is on line ${earlier} too; give each subject one line with all its faces`);
      }
      lineOf.set(subject.id, line.number);
      subjects.push(subject);
      bytes += line.text.length;
      lastLine = line.number;
      if (subjects.length === size || bytes >= maxBytes) {
        yield { subjects, lastLine };
        subjects = [];
        lineOf = new Map();
        bytes = 0;
      }
    }
  } catch (e) {
    throw refusalOfReadError(e);
  }
  if (subjects.length > 0) yield { subjects, lastLine };
}

/** What a refusal adds to its message: what is committed and how to go on. */
function committedNote(progress: ImportProgress): string {
  if (progress.committedLines === 0) return 'nothing was imported (no batch was committed)';
  return `lines 1–${progress.committedLines} are committed (${progress.imported} subjects imported, ${progress.skipped} skipped); the batch in progress and every later line are not: send the stream again, corrected, to go on (committed subjects are skipped)`;
}

/** What the route needs from the server around it. */
export interface ImportRouteDeps {
  /** Aborted when the service shuts down: the import stops at its next line. */
  readonly signal: AbortSignal;
  /** The error code and message of any failure, as the server answers it (server faults are logged). */
  readonly answerOf: (e: unknown, request: FastifyRequest) => { readonly code: string; readonly message: string };
  /** One line to the service log. */
  readonly log: (line: string) => void;
}

/**
 * Runs one streamed import and answers it (see the module comment for the statuses).
 * @throws ApiError (and any other error, for the server's error answer) only while nothing
 *   is committed
 */
export async function handleImport(ctx: ServiceContext, request: FastifyRequest, reply: FastifyReply, deps: ImportRouteDeps): Promise<FastifyReply> {
  const { batch } = request.query as { batch: number };
  const space: ImportSpace = { dim: ctx.index.dim, layout: ctx.index.layout };
  const progress: ImportProgress = { committedLines: 0, imported: 0, skipped: 0, faces: 0 };
  const answer = new NdjsonAnswer(reply, request.id);
  try {
    // No body at all (no Content-Type): an empty import.
    const body = request.body as Readable | undefined;
    if (body !== undefined) {
      const lines = readLines(body, { maxLineBytes: maxImportLineBytes(space.dim), idleMs: ctx.config.requestTimeoutMs, signal: deps.signal });
      for await (const b of importBatches(lines, space, batch, MAX_BATCH_TEXT_BYTES)) {
        const committed = await commitImportBatch(ctx.store, b.subjects);
        // Commit first; the in-memory index follows only a committed change.
        for (const change of committed.changes) ctx.index.set(change.subjectId, change.template);
        progress.committedLines = b.lastLine;
        progress.imported += committed.imported;
        progress.skipped += committed.skipped;
        progress.faces += committed.faces;
        answer.line(progress);
      }
    }
    answer.line({ ...progress, done: true });
    answer.end();
  } catch (e) {
    if (request.raw.socket.destroyed) {
      // The client is gone: nobody to answer. Its batch in progress was not committed.
      deps.log(`request ${request.id} POST /v1/gallery/import: the client disconnected; lines 1–${progress.committedLines} are committed (${progress.imported} subjects imported), the batch in progress is not`);
      void reply.hijack();
      return reply;
    }
    const refusal = e instanceof RefusedLine ? new RefusedLine(e.status, e.code, e.line, `${e.message}; ${committedNote(progress)}`, e.headers) : e;
    if (!answer.started) throw refusal;
    const { code, message } = deps.answerOf(refusal, request);
    const line = refusal instanceof RefusedLine ? { line: refusal.line } : {};
    answer.line({ ...progress, error: { code, message: refusal instanceof RefusedLine ? message : `${message}; ${committedNote(progress)}`, ...line, requestId: request.id } });
    answer.end();
  }
  return reply;
}
