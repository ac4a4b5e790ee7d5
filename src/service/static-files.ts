/**
 * Static files of one folder, as served by `pfe serve` under /demo/ (demo-routes.ts): URL path →
 * regular file inside the folder (never outside it, not even through a symlink), and the
 * content type of each file ending the demo uses.
 */
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * Content types by file ending. `.wasm` must be application/wasm: browsers compile wasm
 * while streaming only with that type. Anything else is application/octet-stream (model
 * shards `.bin`, the head `.pfehead`).
 */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.jpg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
};

/** Content type of a file by its ending (application/octet-stream when unknown). */
export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file under `root` a URL path names ('/' and paths ending in '/' name index.html), or
 * undefined when the path would leave `root` (`..`, also %-encoded), is not valid
 * %-encoding, or holds a NUL. Purely lexical: symlinks are checked by `findStaticFile`.
 * @param root the folder (relative paths are taken from the working directory)
 * @param urlPath path part of a URL, e.g. '/models/faceres.json?v=1' (the query is ignored)
 */
export function resolveUnder(root: string, urlPath: string): string | undefined {
  const base = path.resolve(root);
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath.split('?')[0] ?? '/');
  } catch {
    return undefined; // malformed %-escape
  }
  if (rel.includes('\0')) return undefined;
  if (!rel.startsWith('/')) rel = `/${rel}`;
  const file = path.resolve(base, '.' + (rel.endsWith('/') ? `${rel}index.html` : rel));
  return isInside(base, file) ? file : undefined;
}

function isInside(root: string, file: string): boolean {
  return file === root || file.startsWith(root + path.sep);
}

/** What `findStaticFile` found for a URL path. */
export type StaticLookup =
  /** A regular file inside the folder (`file` is its real path). */
  | { readonly kind: 'file'; readonly file: string; readonly size: number; readonly mtimeMs: number }
  /** The path leaves the folder, lexically or through a symlink. */
  | { readonly kind: 'outside' }
  /** No regular file at that path (absent, or a folder). */
  | { readonly kind: 'missing' }
  /** The folder itself does not exist (e.g. the demo page is not built). */
  | { readonly kind: 'no-root' };

/** Errors meaning "no file there": absent, through a non-folder, a symlink loop, a name too long. */
const NO_SUCH_FILE = new Set(['ENOENT', 'ENOTDIR', 'ELOOP', 'ENAMETOOLONG']);

function isAbsent(e: unknown): boolean {
  return NO_SUCH_FILE.has((e as NodeJS.ErrnoException).code ?? '');
}

/**
 * Looks a URL path up in `root`: resolves it lexically (`resolveUnder`), then follows
 * symlinks (realpath) and accepts the result only when it is still inside the real `root`.
 * @throws the file system's error for anything but a missing path (e.g. EACCES)
 */
export async function findStaticFile(root: string, urlPath: string): Promise<StaticLookup> {
  let realRoot: string;
  try {
    realRoot = await realpath(root);
    if (!(await stat(realRoot)).isDirectory()) return { kind: 'no-root' };
  } catch (e) {
    if (isAbsent(e)) return { kind: 'no-root' };
    throw e;
  }
  const file = resolveUnder(root, urlPath);
  if (file === undefined) return { kind: 'outside' };
  let real: string;
  try {
    real = await realpath(file);
  } catch (e) {
    if (isAbsent(e)) return { kind: 'missing' };
    throw e;
  }
  if (!isInside(realRoot, real)) return { kind: 'outside' };
  const info = await stat(real);
  if (!info.isFile()) return { kind: 'missing' };
  return { kind: 'file', file: real, size: info.size, mtimeMs: info.mtimeMs };
}
