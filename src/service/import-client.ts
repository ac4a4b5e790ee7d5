/**
 * The client of the service's streamed bulk import (POST /v1/gallery/import, import-route.ts),
 * for `pfe gallery import --url`: asks the service which embedding space its gallery holds,
 * checks the API key, then streams the subjects as NDJSON lines (import-line.ts) with
 * back-pressure while it follows the service's progress lines.
 */
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { PfeError } from '../core/errors.js';
import type { FolderImportSpace, ImportSubject } from './gallery-import.js';
import type { SigmaLayout } from './gallery-index.js';
import { formatImportLine } from './import-line.js';
import type { ImportProgress } from './import-route.js';

/** Where the service is and how to reach it. */
export interface ServiceTarget {
  /** Base URL, e.g. http://127.0.0.1:8080 */
  readonly url: string;
  /** The API key, or undefined for a service without one (loopback). */
  readonly apiKey: string | undefined;
}

/** Bytes of lines gathered into one write: fewer, larger writes than one per subject. */
const WRITE_CHUNK_BYTES = 256 * 1024;

function send(target: ServiceTarget, path: string, method: 'GET' | 'POST', headers: Record<string, string> = {}): ClientRequest {
  const url = new URL(path, target.url);
  const auth: Record<string, string> = target.apiKey === undefined ? {} : { authorization: `Bearer ${target.apiKey}` };
  const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method, headers: { ...auth, ...headers } });
  return request;
}

/** The whole body of an answer as text. */
async function bodyText(res: IncomingMessage): Promise<string> {
  res.setEncoding('utf8');
  let text = '';
  for await (const chunk of res) text += chunk as string;
  return text;
}

/** A service's error answer `{"error": {code, message}}` as a PfeError (code chosen for the CLI's exit). */
function refusal(target: ServiceTarget, status: number, error: { code?: unknown; message?: unknown } | undefined, fallback: string): PfeError {
  const code = typeof error?.code === 'string' ? error.code : 'UNKNOWN';
  const message = typeof error?.message === 'string' ? error.message : fallback;
  const pfeCode = status === 401 ? 'INVALID_ARGUMENT' : code === 'INVALID_LINE' || code === 'LINE_TOO_LONG' ? 'INVALID_FORMAT' : 'IO_ERROR';
  return new PfeError(pfeCode, `${target.url} refused the import (${status === 200 ? 'during the stream' : `HTTP ${status}`}, ${code}): ${message}`, { status, code });
}

function parseErrorBody(text: string): { code?: unknown; message?: unknown } | undefined {
  try {
    return (JSON.parse(text) as { error?: { code?: unknown; message?: unknown } }).error;
  } catch {
    return undefined;
  }
}

/** A GET answered with JSON. @throws PfeError IO_ERROR (unreachable, not JSON), INVALID_ARGUMENT (401) */
function getJson(target: ServiceTarget, path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const request = send(target, path, 'GET');
    request.on('error', (e) => reject(new PfeError('IO_ERROR', `cannot reach the service at ${target.url}: ${e.message}`, { url: target.url }, { cause: e })));
    request.on('response', (res) => {
      bodyText(res).then((text) => {
        if (res.statusCode !== 200) reject(refusal(target, res.statusCode ?? 0, parseErrorBody(text), text));
        else {
          try {
            resolve(JSON.parse(text));
          } catch {
            reject(new PfeError('IO_ERROR', `${target.url}${path} did not answer JSON; is this a pfe service?`, { url: target.url }));
          }
        }
      }, reject);
    });
    request.end();
  });
}

/**
 * The embedding space of the service's gallery (from /v1/health), after checking that the
 * key is accepted (an authenticated read), so a wrong key fails before any upload.
 * @throws PfeError IO_ERROR, INVALID_ARGUMENT (key refused)
 */
export async function serviceImportSpace(target: ServiceTarget): Promise<FolderImportSpace> {
  const health = (await getJson(target, '/v1/health')) as { gallery?: { dim?: unknown; sigmaLayout?: unknown }; head?: { file?: unknown; sha256?: unknown } | null };
  const dim = health.gallery?.dim;
  const layout = health.gallery?.sigmaLayout;
  const head = health.head;
  const headKnown = head === null || (typeof head?.file === 'string' && typeof head.sha256 === 'string');
  if (typeof dim !== 'number' || (layout !== 'none' && layout !== 'diagonal' && layout !== 'isotropic') || !headKnown) {
    throw new PfeError('IO_ERROR', `${target.url}/v1/health does not say the gallery's dimension, σ² layout and head; is this a pfe service of this version?`, { url: target.url });
  }
  await getJson(target, '/v1/subjects?limit=1');
  return { dim, layout: layout satisfies SigmaLayout, head: head === null ? null : { file: String(head!.file), sha256: String(head!.sha256) } };
}

/** Follows the import's answer: progress lines to `onProgress`; the final line resolves (done) or rejects (error). */
function followAnswer(target: ServiceTarget, request: ClientRequest, onProgress: (p: ImportProgress) => void): Promise<ImportProgress> {
  return new Promise((resolve, reject) => {
    let last: ImportProgress = { committedLines: 0, imported: 0, skipped: 0, faces: 0 };
    const broke = (why: string): PfeError =>
      new PfeError(
        'IO_ERROR',
        `the connection to ${target.url} broke (${why}) after ${last.committedLines} committed subjects; run the same command again to go on (committed subjects are skipped)`,
        { committedLines: last.committedLines },
      );
    request.on('error', (e) => reject(broke(e.message)));
    request.on('response', (res) => {
      if (res.statusCode !== 200) {
        bodyText(res).then((text) => reject(refusal(target, res.statusCode ?? 0, parseErrorBody(text), text)), (e: Error) => reject(broke(e.message)));
        return;
      }
      res.setEncoding('utf8');
      let pending = '';
      res.on('data', (text: string) => {
        pending += text;
        for (let newline = pending.indexOf('\n'); newline >= 0; newline = pending.indexOf('\n')) {
          let value: ImportProgress & { done?: boolean; error?: { code?: unknown; message?: unknown } };
          try {
            value = JSON.parse(pending.slice(0, newline)) as typeof value;
          } catch {
            reject(broke('its answer is not NDJSON'));
            res.destroy();
            return;
          }
          pending = pending.slice(newline + 1);
          const { committedLines, imported, skipped, faces } = value;
          last = { committedLines, imported, skipped, faces };
          if (value.error !== undefined) reject(refusal(target, 200, value.error, 'the import stopped'));
          else if (value.done === true) resolve(last);
          else onProgress(last);
        }
      });
      res.on('end', () => reject(broke('the answer ended without its last line')));
      res.on('error', (e) => reject(broke(e.message)));
    });
  });
}

/** Resolves at the request's next 'drain', or when it closes or fails, or when `stopped` settles. */
function drainOrStop(request: ClientRequest, stopped: Promise<unknown>): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      request.off('drain', done);
      request.off('close', done);
      request.off('error', done);
      resolve();
    };
    request.once('drain', done);
    request.once('close', done);
    request.once('error', done);
    void stopped.then(done, done);
  });
}

/**
 * Streams `subjects` to the service's import, one line each, in its batches of `batch`; the
 * service commits each batch in one transaction and skips subjects it has, so a second run
 * of the same subjects resumes an interrupted one.
 * @param onProgress called after each committed batch (committedLines = subjects handled)
 * @throws PfeError INVALID_FORMAT (a line refused), INVALID_ARGUMENT (key refused), IO_ERROR
 *   (connection lost, the service failed); messages say what is committed
 */
export async function streamSubjectsToService(
  target: ServiceTarget,
  subjects: readonly ImportSubject[],
  batch: number,
  onProgress: (p: ImportProgress) => void = () => {},
): Promise<ImportProgress> {
  const request = send(target, `/v1/gallery/import?batch=${batch}`, 'POST', { 'content-type': 'application/x-ndjson' });
  const answer = followAnswer(target, request, onProgress);
  let settled = false;
  const stopped = answer.then(
    () => (settled = true),
    () => (settled = true),
  );
  let chunk = '';
  for (const subject of subjects) {
    if (settled || request.destroyed) break;
    chunk += `${formatImportLine(subject)}\n`;
    if (chunk.length < WRITE_CHUNK_BYTES) continue;
    if (!request.write(chunk)) await drainOrStop(request, stopped);
    chunk = '';
  }
  // An answer before the end of the upload is a refusal: stop sending.
  if (settled) request.destroy();
  else request.end(chunk);
  return answer;
}
