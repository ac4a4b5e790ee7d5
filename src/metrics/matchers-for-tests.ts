import { isPfeError } from '../core/errors.js';
import type { PfeErrorCode } from '../core/errors.js';

/** For assert.throws: true when the error is a PfeError with `code` (and a message matching `messagePart`). */
export function isErrorWithCode(code: PfeErrorCode, messagePart?: RegExp): (e: unknown) => boolean {
  return (e: unknown) => isPfeError(e, code) && (messagePart === undefined || messagePart.test(e.message));
}
