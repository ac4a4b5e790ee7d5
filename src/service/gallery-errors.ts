/**
 * Errors of the gallery stores, in the gallery's own terms: the stores know nothing of
 * HTTP; the server maps each kind to a status (server.ts, statusOfGalleryError).
 */

/** Why a gallery operation was refused or failed. */
export type GalleryErrorKind =
  /** No subject with that id. */
  | 'SUBJECT_NOT_FOUND'
  /** The subject has no face with that id. */
  | 'FACE_NOT_FOUND'
  /** A subject with that id exists already. */
  | 'SUBJECT_EXISTS'
  /** A subject id or name the gallery cannot hold (pattern, lone surrogate). */
  | 'INVALID_SUBJECT'
  /** The database cannot be reached now (connection lost, server restarting); retrying may work. */
  | 'STORE_UNAVAILABLE'
  /** The database holds another embedding space, or another process holds the gallery. */
  | 'STORE_REFUSED';

/** A refused or failed gallery operation. */
export class GalleryError extends Error {
  override readonly name = 'GalleryError';
  constructor(
    readonly kind: GalleryErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** True for a GalleryError (of the given kind). */
export function isGalleryError(e: unknown, kind?: GalleryErrorKind): e is GalleryError {
  return e instanceof GalleryError && (kind === undefined || e.kind === kind);
}
