/**
 * Errors of the HTTP API: a machine-readable code and an HTTP status. Every error
 * response is `{ "error": { "code", "message" } }`, never a stack trace.
 */
import type { PfeErrorCode } from '../core/errors.js';

/** Codes the API answers with (library codes pass through for image problems). */
export type ApiErrorCode =
  | 'UNAUTHORIZED'
  | 'INVALID_REQUEST'
  | 'UNKNOWN_FIELD'
  | 'PAYLOAD_TOO_LARGE'
  | 'NOT_FOUND'
  | 'SUBJECT_NOT_FOUND'
  | 'FACE_NOT_FOUND'
  | 'SUBJECT_EXISTS'
  | 'LOW_QUALITY'
  | 'MULTIPLE_FACES'
  | 'SUBJECT_HAS_NO_FACES'
  | 'SERVICE_BUSY'
  | 'NOT_READY'
  | 'DATABASE_UNAVAILABLE'
  | 'REQUEST_HEADERS_TOO_LARGE'
  | 'REQUEST_TIMEOUT'
  | 'INVALID_LINE'
  | 'LINE_TOO_LONG'
  | 'SHUTTING_DOWN'
  | 'INTERNAL_ERROR'
  | PfeErrorCode;

/** An error with the HTTP status and code it is answered with. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    /** Extra response headers (e.g. Retry-After). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/**
 * A fault of the server (a model that cannot load, a dead worker, I/O): answered as 500
 * INTERNAL_ERROR with a generic message and the request id; `detail` (which may name
 * files and paths) goes to the log only.
 */
export class InternalFault extends Error {
  override readonly name = 'InternalFault';
  constructor(readonly detail: string) {
    super(detail);
  }
}

/**
 * HTTP status of a library error about an uploaded image: 413 for images over the pixel
 * limit, 422 for content that is well-formed as a request but unusable (corrupt, no face);
 * undefined for any other code, which is the server's fault (models, I/O), not the image's.
 */
export function statusOfImageError(code: PfeErrorCode): number | undefined {
  switch (code) {
    case 'IMAGE_TOO_LARGE':
      return 413;
    case 'IMAGE_DECODE_FAILED':
    case 'UNSUPPORTED_FORMAT':
    case 'NO_FACE':
      return 422;
    default:
      return undefined;
  }
}
