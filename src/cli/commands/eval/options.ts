/**
 * What every `pfe eval` protocol shares: the option table, its help text, and the helpers
 * that turn options into LFW folders, landmarks, cached embedding folders and progress lines.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { type BackboneName, backboneOptionHelp, resolveBackbone } from '../../../face/backbone/names.js';
import type { HeadSelection } from '../../../eval/run-verification.js';
import type { LfwSetup } from '../../../eval/lfw-setup.js';
import { checkLfwFolder, defaultLfwRoot, LFW_PARTS, type LfwPart } from '../../../eval/lfw-folder.js';
import { MAX_DEGRADE_LEVEL } from '../../../face/degrade/ladder.js';
import { DEFAULT_EMBED_CACHE_DIR } from '../../../face/pipeline/embed-cache.js';
import { INDEX_FILE } from '../../../io/embedding-folder-index.js';
import { integerOption, numberOption, parseCommandArgs } from '../../args.js';
import { UsageError } from '../../command.js';
import { createProgress, type Progress } from '../../../io/progress.js';
import { landmarkScaleHelp, landmarkScaleChoice, loadFittedLandmarksUnder } from '../../landmark-options.js';

/** Where `pfe embed` runs of the whole of LFW are kept, one folder per backbone: <this>/<backbone>/clean, level<k>. */
export const DEFAULT_LFW_CACHE = path.join('.cache', 'lfw');

/** The options every protocol accepts (each protocol reads the ones it needs). */
export const COMMON_OPTIONS = {
  out: { type: 'string', short: 'o' },
  landmarks: { type: 'string' },
  'landmark-scale': { type: 'string' },
  embeddings: { type: 'string', multiple: true },
  head: { type: 'string' },
  'fold-heads': { type: 'string' },
  'no-default-head': { type: 'boolean' },
  ablations: { type: 'boolean' },
  degrade: { type: 'string' },
  seed: { type: 'string' },
  cache: { type: 'string' },
  workers: { type: 'string' },
  pairs: { type: 'string' },
  root: { type: 'string' },
  levels: { type: 'string' },
  folds: { type: 'string' },
  'lfw-cache': { type: 'string' },
  weights: { type: 'string' },
  'draw-seed': { type: 'string' },
  'no-detector': { type: 'boolean' },
  'detector-embeddings': { type: 'string' },
  'max-size': { type: 'string' },
  degraded: { type: 'string' },
  impostors: { type: 'string' },
  'min-images': { type: 'string' },
  variant: { type: 'string', multiple: true },
  'pairs-file': { type: 'string' },
  'norm-sigma-power': { type: 'string' },
  draws: { type: 'string' },
  backbone: { type: 'string' },
} as const;

/** Help text of the options shared by the verification protocols. */
export const commonHelp = `${backboneOptionHelp('      ', 21)}
      --embeddings <dir>   an embedding folder of \`pfe embed\` to take images from (repeatable);
                           images not in it are embedded now (per-image cache: ${DEFAULT_EMBED_CACHE_DIR})
      --landmarks <file>   5-point landmarks ('Person/Person_0001.jpg x1..x5 y1..y5', keys relative
                           to the image root); images not in it go through the detector
${landmarkScaleHelp(6, 27)}
      --head <file>        uncertainty head (.pfehead) for MLS; default: the shipped head if present
      --fold-heads <pat>   per-fold heads, '{fold}' = 0-based held-out fold, e.g. models/fold{fold}.pfehead
      --no-default-head    do not fall back to the shipped head
      --ablations          also MLS weighting-only, penalty-only and cosine on the head's centred mu
      --degrade <spec>     degrade every image first (e.g. level:3), seeded per image by --seed
      --seed <N>           base seed of the degradations (default 0)
      --cache <dir>        per-image cache (default ${DEFAULT_EMBED_CACHE_DIR})
      --workers <n>        embedding worker threads (default one per core)
  -o, --out <dir>          output folder: results.json, table.md, roc.svg`;

/** The parsed options of `pfe eval`. */
export type Values = ReturnType<typeof parseCommandArgs<typeof COMMON_OPTIONS>>['values'];

/** Which heads give sigma² (--head, --fold-heads, --no-default-head). */
export function headSelectionOf(values: Values): HeadSelection {
  return {
    ...(values.head === undefined ? {} : { headFile: values.head }),
    ...(values['fold-heads'] === undefined ? {} : { foldHeadPattern: values['fold-heads'] }),
    useDefaultHead: values['no-default-head'] !== true,
  };
}

/** The investigation option --norm-sigma-power, when given. */
export function normSigmaOf(values: Values): { normSigmaPower?: number } {
  return values['norm-sigma-power'] === undefined ? {} : { normSigmaPower: numberOption(values['norm-sigma-power'], 'norm-sigma-power', {}, 0) };
}

/** The backbone named by --backbone (default DEFAULT_BACKBONE). */
export function backboneOf(values: Values): BackboneName {
  return resolveBackbone(values.backbone);
}

/** The folder of cached LFW embedding folders of the run's backbone (--lfw-cache). */
export function lfwCacheOf(values: Values): string {
  return values['lfw-cache'] ?? path.join(DEFAULT_LFW_CACHE, backboneOf(values));
}

/**
 * The LFW folder (--root, else $PFE_SHARED_DATA/lfw, else ../shared/data/lfw), checked to hold
 * `parts` before any work starts.
 * @throws PfeError IO_ERROR saying what is missing and how to point at another folder
 */
export function lfwRootOf(values: Values, parts: readonly LfwPart[]): string {
  const root = values.root ?? defaultLfwRoot();
  checkLfwFolder(root, parts, values.root !== undefined ? 'given with --root' : process.env['PFE_SHARED_DATA'] ? 'from PFE_SHARED_DATA' : 'the default; no --root given');
  return root;
}

/** The pairs file a protocol reads: --pairs-file inside the LFW folder, default pairs.txt. */
export function pairsPart(values: Values): LfwPart {
  return values['pairs-file'] === undefined ? LFW_PARTS.pairs : { name: values['pairs-file'], folder: false, what: 'the pairs file named by --pairs-file' };
}

/** The landmark file is needed in the LFW folder unless --landmarks names another. */
export function landmarkParts(values: Values): LfwPart[] {
  return values.landmarks === undefined ? [LFW_PARTS.landmarks] : [];
}

/** The landmark file: --landmarks, or the reference code's MTCNN file inside the LFW folder. */
export function landmarkFileOf(values: Values, lfw: string): string {
  return values.landmarks ?? path.join(lfw, 'ldmark_lfw_mtcnncaffe.txt');
}

/** The landmark file fitted to the images under `imageRoot` (--landmark-scale), warnings on stderr. */
export function landmarksUnder(values: Values, landmarkFile: string, imageRoot: string): ReturnType<typeof loadFittedLandmarksUnder> {
  return loadFittedLandmarksUnder(landmarkFile, imageRoot, landmarkScaleChoice(values['landmark-scale']), (line) => process.stderr.write(`pfe eval: ${line}\n`));
}

/**
 * Where the clean and ladder-level images of an LFW protocol come from: the cached level
 * folders (they were made with seed 1, so only for that seed), the landmarks, the per-image
 * cache and the worker count.
 */
export async function ladderImages(
  values: Values,
  levels: readonly number[],
  seed: number,
  landmarkFile: string,
  imageRoot: string,
): Promise<Pick<LfwSetup, 'folders' | 'landmarks' | 'seed' | 'cacheDir' | 'workers' | 'backbone'>> {
  return {
    folders: seed === 1 ? lfwFolders(lfwCacheOf(values), levels) : new Map(),
    backbone: backboneOf(values),
    landmarks: await landmarksUnder(values, landmarkFile, imageRoot),
    seed,
    cacheDir: values.cache ?? DEFAULT_EMBED_CACHE_DIR,
    ...(values.workers === undefined ? {} : { workers: integerOption(values.workers, 'workers', { min: 0, max: 64 }, 0) }),
  };
}

/** Embedding folders of whole-LFW `pfe embed` runs: <cache>/clean and <cache>/level<k> (seed 1), where complete. */
export function lfwFolders(cache: string, levels: readonly number[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const level of [0, ...levels]) {
    const dir = path.join(cache, level === 0 ? 'clean' : `level${level}`);
    if (existsSync(path.join(dir, INDEX_FILE))) out.set(level, [dir]);
  }
  return out;
}

/** The ladder levels of --levels (default 0..5), distinct and ascending. @throws UsageError for an empty list */
export function parseLevels(text: string | undefined): number[] {
  if (text === undefined) return [0, 1, 2, 3, 4, 5];
  const levels = text.split(',').map((t) => integerOption(t.trim(), 'levels', { min: 0, max: MAX_DEGRADE_LEVEL }, 0));
  if (levels.length === 0) throw new UsageError('--levels needs at least one level');
  return [...new Set(levels)].sort((a, b) => a - b);
}

/** Progress lines on stderr, one per label, for the LFW protocols' `onProgress`. */
export function progressReporter(prefix: string): (label: string, finished: number, total: number) => void {
  const progress = new Map<string, Progress>();
  const last = new Map<string, number>();
  return (label, finished, total) => {
    let p = progress.get(label);
    if (p === undefined) {
      p = createProgress(`${prefix}: ${label}`, total, process.stderr);
      progress.set(label, p);
    }
    p.tick(finished - (last.get(label) ?? 0));
    last.set(label, finished);
    if (finished === total) p.done();
  };
}
