/** Fetching a file the page needs (models, head, calibration) from its own origin, with the project's errors. */
import { PfeError, type PfeErrorCode } from '../core/errors.js';

/**
 * The bytes at `url`.
 * @param what names the file in the message, e.g. 'head file'
 * @param code the error's code (IO_ERROR; the model loader says MODEL_LOAD_FAILED)
 * @throws PfeError `code` (network failure or an HTTP error status)
 */
export async function fetchBytes(url: string, what: string, code: PfeErrorCode = 'IO_ERROR'): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new PfeError(code, `cannot fetch ${what} ${url}: ${e instanceof Error ? e.message : String(e)}`, { path: url }, { cause: e });
  }
  if (!res.ok) throw new PfeError(code, `cannot fetch ${what} ${url}: HTTP ${res.status}`, { path: url });
  return new Uint8Array(await res.arrayBuffer());
}

/** SHA-256 of `bytes` as lower-case hex (what calibration files record of their head). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes.slice());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
