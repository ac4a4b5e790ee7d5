/**
 * Machine-readable reasons for rejecting input. Callers (CLI, HTTP service)
 * switch on `code`; the message is for humans and names the offending row/column.
 */
export type PfeErrorCode =
  | 'DIMENSION_MISMATCH'
  | 'NON_FINITE'
  | 'NON_POSITIVE_VARIANCE'
  | 'EMPTY_INPUT'
  | 'INDEX_OUT_OF_RANGE'
  | 'INVALID_ARGUMENT'
  | 'INVALID_FORMAT'
  | 'UNSUPPORTED_FORMAT'
  | 'IO_ERROR'
  | 'IMAGE_DECODE_FAILED'
  | 'IMAGE_TOO_LARGE'
  | 'NO_FACE'
  | 'MODEL_LOAD_FAILED'
  /**
   * Data made with one face-recognition backbone used with another (embeddings, heads,
   * calibrations), or embeddings of one uncertainty head imported into a gallery of another.
   */
  | 'BACKBONE_MISMATCH';

/** The one error class the library throws for bad input; `code` says why. */
export class PfeError extends Error {
  override readonly name = 'PfeError';
  readonly code: PfeErrorCode;
  /** Optional structured context (row, column, path, ...) for programmatic use. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: PfeErrorCode, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.details = details;
  }
}

/** True when `e` is a PfeError, optionally with the given code. */
export function isPfeError(e: unknown, code?: PfeErrorCode): e is PfeError {
  return e instanceof PfeError && (code === undefined || e.code === code);
}

/**
 * Runs `fn`; a PfeError it throws is re-thrown with `source` (a file path or URL) in front
 * of its message and in its details, keeping its code, so the user learns which input was
 * at fault. Other errors pass through unchanged.
 */
export function withSource<T>(source: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (isPfeError(e)) throw new PfeError(e.code, `${source}: ${e.message}`, { ...e.details, path: source }, { cause: e });
    throw e;
  }
}
