/**
 * API-key authentication: the key comes from PFE_API_KEY or a file; requests send it as
 * `Authorization: Bearer <key>` or `X-API-Key: <key>`. Compared in constant time (on
 * SHA-256 digests, so the length does not leak either).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PfeError } from '../core/errors.js';
import { ApiError } from './api-error.js';

/** Shortest accepted key: 16 characters (about 96 bits as base64). */
export const MIN_API_KEY_LENGTH = 16;

/**
 * The key from a file (first line, trimmed) or the environment variable, or undefined.
 * @throws PfeError IO_ERROR (unreadable file), INVALID_ARGUMENT (key too short)
 */
export function loadApiKey(file: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  let key: string | undefined;
  if (file !== undefined) {
    try {
      key = readFileSync(file, 'utf8').split(/\r?\n/)[0]!.trim();
    } catch (e) {
      throw new PfeError('IO_ERROR', `cannot read API key file ${file}: ${e instanceof Error ? e.message : String(e)}`, { path: file });
    }
  } else key = env['PFE_API_KEY']?.trim();
  if (key === undefined || key === '') return undefined;
  if (key.length < MIN_API_KEY_LENGTH) throw new PfeError('INVALID_ARGUMENT', `the API key must have at least ${MIN_API_KEY_LENGTH} characters`);
  return key;
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/** Checks requests against one key. */
export class ApiKeyCheck {
  private readonly expected: Buffer;
  constructor(key: string) {
    this.expected = digest(key);
  }

  /** @throws ApiError 401 UNAUTHORIZED when the headers carry no key or another key */
  check(headers: Readonly<Record<string, string | string[] | undefined>>): void {
    const auth = headers['authorization'];
    const header = headers['x-api-key'];
    let given: string | undefined;
    if (typeof auth === 'string' && auth.startsWith('Bearer ')) given = auth.slice('Bearer '.length).trim();
    else if (typeof header === 'string') given = header.trim();
    if (given === undefined || given === '') throw new ApiError(401, 'UNAUTHORIZED', 'an API key is required (Authorization: Bearer <key> or X-API-Key)', { 'WWW-Authenticate': 'Bearer' });
    if (!timingSafeEqual(digest(given), this.expected)) throw new ApiError(401, 'UNAUTHORIZED', 'the API key is not valid', { 'WWW-Authenticate': 'Bearer' });
  }
}
