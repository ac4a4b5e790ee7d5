/** Assertions for tests: "this throws a PfeError with that code and a message that says ...". */
import assert from 'node:assert/strict';
import { isPfeError, PfeError, type PfeErrorCode } from '../core/errors.js';

function check(e: unknown, code: PfeErrorCode, messageParts: readonly RegExp[]): PfeError {
  assert.ok(e instanceof PfeError, `expected PfeError ${code}, got ${String(e)}`);
  assert.equal(e.code, code, e.message);
  for (const part of messageParts) assert.match(e.message, part);
  return e;
}

/** Asserts that `fn` throws a PfeError with `code` whose message matches every part; returns it. */
export function assertThrowsPfe(fn: () => unknown, code: PfeErrorCode, ...messageParts: RegExp[]): PfeError {
  try {
    fn();
  } catch (e) {
    return check(e, code, messageParts);
  }
  assert.fail(`expected PfeError ${code}, but nothing was thrown`);
}

/** Asserts that `promise` rejects with a PfeError with `code` whose message matches every part; returns it. */
export async function assertRejectsPfe(promise: Promise<unknown>, code: PfeErrorCode, ...messageParts: RegExp[]): Promise<PfeError> {
  try {
    await promise;
  } catch (e) {
    return check(e, code, messageParts);
  }
  assert.fail(`expected PfeError ${code}, but the promise resolved`);
}

/** For assert.throws: true when the error is a PfeError with `code` (and a message matching `messagePart`). */
export function isErrorWithCode(code: PfeErrorCode, messagePart?: RegExp): (e: unknown) => boolean {
  return (e: unknown) => isPfeError(e, code) && (messagePart === undefined || messagePart.test(e.message));
}
