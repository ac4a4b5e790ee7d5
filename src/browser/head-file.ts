/**
 * Loading a `.pfehead` in the browser: fetched from the page's own origin and parsed
 * with the same decoder as Node's `loadHeadFile`.
 */
import { PfeError, withSource } from '../core/errors.js';
import type { UncertaintyHead } from '../head/head-model.js';
import { decodeHead } from '../head/model-format.js';

/** The shipped head, copied next to the page at build time (same name as in models/). */
export function defaultHeadUrl(): string {
  return new URL('models/pfe-head-faceres.pfehead', document.baseURI).href;
}

/**
 * Fetches and checks a head file.
 * @throws PfeError IO_ERROR (fetch failed), INVALID_FORMAT / UNSUPPORTED_FORMAT (bad content; message starts with the URL)
 */
export async function fetchHead(url: string = defaultHeadUrl()): Promise<UncertaintyHead> {
  let bytes: Uint8Array;
  try {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    bytes = new Uint8Array(await res.arrayBuffer());
  } catch (e) {
    throw new PfeError('IO_ERROR', `cannot fetch head file ${url}: ${e instanceof Error ? e.message : String(e)}`, { path: url }, { cause: e });
  }
  return withSource(url, () => decodeHead(bytes));
}
