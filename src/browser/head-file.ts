/**
 * Loading a `.pfehead` in the browser: fetched from the page's own origin and parsed
 * with the same decoder as Node's `loadHeadFile`, hashed to check its calibration.
 */
import { withSource } from '../core/errors.js';
import type { UncertaintyHead } from '../head/head-model.js';
import { decodeHead, DEFAULT_HEAD_FILE_NAME } from '../head/model-format.js';
import { fetchBytes, sha256Hex } from './fetch-bytes.js';

/** The shipped head, copied next to the page at build time (same name as in models/). */
export function defaultHeadUrl(): string {
  return new URL(`models/${DEFAULT_HEAD_FILE_NAME}`, document.baseURI).href;
}

/** A fetched head and the SHA-256 of its file. */
export interface FetchedHead {
  readonly head: UncertaintyHead;
  readonly sha256: string;
}

/**
 * Fetches and checks a head file.
 * @throws PfeError IO_ERROR (fetch failed), INVALID_FORMAT / UNSUPPORTED_FORMAT (bad content; message starts with the URL)
 */
export async function fetchHead(url: string = defaultHeadUrl()): Promise<FetchedHead> {
  const bytes = await fetchBytes(url, 'head file');
  const head = withSource(url, () => decodeHead(bytes));
  return { head, sha256: await sha256Hex(bytes) };
}
