/**
 * The LFW folder every `pfe eval` LFW protocol reads, where it is by default, and a check
 * that it holds what a protocol needs before any work starts (a missing file used to end
 * in a stack trace from deep inside the protocol).
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { PfeError } from '../core/errors.js';

/** One thing an LFW folder holds. */
export interface LfwPart {
  /** Name inside the LFW folder ('images' is a folder). */
  readonly name: string;
  readonly folder: boolean;
  /** What it is and where it comes from, for the message when it is missing. */
  readonly what: string;
}

/** The parts of an LFW folder (README, "Data"). */
export const LFW_PARTS = {
  images: { name: 'images', folder: true, what: 'the photos as images/<Person>/<Person>_NNNN.jpg (LFW\'s lfw.tgz unpacks to lfw/: rename it to images/)' },
  pairs: { name: 'pairs.txt', folder: false, what: 'View 2 pairs (LFW site)' },
  people: { name: 'people.txt', folder: false, what: 'View 2 people sets (LFW site)' },
  landmarks: { name: 'ldmark_lfw_mtcnncaffe.txt', folder: false, what: "5-point landmarks (the PFE reference code's data/ldmark_lfw_mtcnncaffe.txt)" },
} as const satisfies Record<string, LfwPart>;

/** Environment variable naming the data folder that holds lfw/ (also used by the tests). */
export const SHARED_DATA_ENV = 'PFE_SHARED_DATA';

/**
 * The LFW folder used when --root is not given: `$PFE_SHARED_DATA/lfw` when the variable is
 * set, else `../shared/data/lfw` relative to the current directory (this project's own
 * development layout).
 */
export function defaultLfwRoot(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const shared = env[SHARED_DATA_ENV];
  return shared !== undefined && shared !== '' ? path.join(shared, 'lfw') : path.join('..', 'shared', 'data', 'lfw');
}

/** Folder names LFW downloads unpack to, which should be renamed images/. */
const DOWNLOAD_FOLDER_NAMES = ['lfw', 'lfw_funneled', 'lfw-deepfunneled', 'lfw-funneled'];

function present(root: string, part: LfwPart): boolean {
  const p = path.join(root, part.name);
  if (!existsSync(p)) return false;
  return statSync(p).isDirectory() === part.folder;
}

/**
 * Checks that `root` holds every part a protocol needs.
 * @param parts what the protocol reads, e.g. [LFW_PARTS.pairs, LFW_PARTS.images]
 * @param how how the user chose the folder, for the message (e.g. "the default" or "--root")
 * @throws PfeError IO_ERROR listing every missing part, what it is, and how to point at another folder
 */
export function checkLfwFolder(root: string, parts: readonly LfwPart[], how: string): void {
  const pointer = `Get LFW as the README's "Data" section says, then give its folder with --root DIR (or set ${SHARED_DATA_ENV} to the folder that holds lfw/).`;
  if (!existsSync(root)) {
    throw new PfeError('IO_ERROR', `there is no LFW folder at ${root} (${how}). ${pointer}`, { path: root });
  }
  const missing = parts.filter((p) => !present(root, p));
  if (missing.length === 0) return;
  const list = missing.map((p) => `${p.name}${p.folder ? '/' : ''} — ${p.what}`).join('; ');
  const misplaced = missing.includes(LFW_PARTS.images) ? DOWNLOAD_FOLDER_NAMES.find((n) => existsSync(path.join(root, n))) : undefined;
  const hint = misplaced === undefined ? '' : ` (${path.join(root, misplaced)} looks like the photos: rename it to ${path.join(root, 'images')})`;
  throw new PfeError('IO_ERROR', `the LFW folder ${root} (${how}) lacks ${list}${hint}. ${pointer}`, { path: root, missing: missing.map((p) => p.name) });
}
