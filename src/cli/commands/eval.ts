import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PfeError, withSource } from '../../core/errors.js';
import { parseLfwPairs } from '../../eval/lfw-protocol.js';
import { parsePairFile, type PairList } from '../../eval/pair-file.js';
import { type BackboneName, backboneOptionHelp, resolveBackbone } from '../../face/backbone/names.js';
import { runVerificationJob, type HeadSelection, type VerificationJob } from '../../eval/run-verification.js';
import type { LfwSetup } from '../../eval/lfw-setup.js';
import { checkLfwFolder, defaultLfwRoot, LFW_PARTS, type LfwPart } from '../../eval/lfw-folder.js';
import { runDilemma } from '../../eval/run-dilemma.js';
import { runRisk } from '../../eval/run-risk.js';
import { runTemplates } from '../../eval/run-templates.js';
import { runSheet } from '../../eval/run-sheet.js';
import { runAblation } from '../../eval/run-ablation.js';
import { MAX_DEGRADE_LEVEL } from '../../face/degrade/ladder.js';
import { findDefaultHead } from '../../head/model-file.js';
import { integerOption, numberOption, parseCommandArgs, requireOption } from '../args.js';
import { type CliCommand, UsageError } from '../command.js';
import { createProgress, type Progress } from '../../io/progress.js';
import { landmarkScaleHelp, landmarkScaleChoice, loadFittedLandmarksUnder } from '../landmark-options.js';

/** Default per-image cache folder, shared with `pfe embed`. */
const DEFAULT_CACHE_DIR = path.join('.cache', 'embed');
/** Where `pfe embed` runs of the whole of LFW are kept, one folder per backbone: <this>/<backbone>/clean, level<k>. */
const DEFAULT_LFW_CACHE = path.join('.cache', 'lfw');

const COMMON_OPTIONS = {
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

const commonHelp = `${backboneOptionHelp('      ', 21)}
      --embeddings <dir>   an embedding folder of \`pfe embed\` to take images from (repeatable);
                           images not in it are embedded now (per-image cache: ${DEFAULT_CACHE_DIR})
      --landmarks <file>   5-point landmarks ('Person/Person_0001.jpg x1..x5 y1..y5', keys relative
                           to the image root); images not in it go through the detector
${landmarkScaleHelp(6, 27)}
      --head <file>        uncertainty head (.pfehead) for MLS; default: the shipped head if present
      --fold-heads <pat>   per-fold heads, '{fold}' = 0-based held-out fold, e.g. models/fold{fold}.pfehead
      --no-default-head    do not fall back to the shipped head
      --ablations          also MLS weighting-only, penalty-only and cosine on the head's centred mu
      --degrade <spec>     degrade every image first (e.g. level:3), seeded per image by --seed
      --seed <N>           base seed of the degradations (default 0)
      --cache <dir>        per-image cache (default ${DEFAULT_CACHE_DIR})
      --workers <n>        embedding worker threads (default one per core)
  -o, --out <dir>          output folder: results.json, table.md, roc.svg`;

const usage = `Usage: pfe eval <protocol> [options]

Protocols:
  pairs --pairs FILE --root DIR --out DIR   verification on any pair list
  lfw [--root DIR]                          LFW View 2 (6,000 pairs, 10 folds)
  dilemma [--levels 0,1,2,3,4,5]            the blurry-image dilemma on LFW View 2 pairs
  risk [--levels 0,2,4]                     mixed clean+degraded LFW View 2 and risk control (EDC)
  templates [--levels 2,4]                  template verification from LFW people (fusion)
  sheet [--out DIR]                         contact sheet of the most / least confident LFW faces
  ablation --variant NAME=HEAD ...          MLS vs its halves per head variant, clean and mixed LFW

Every protocol compares cosine on raw mu, cosine on centred mu and, with a head, MLS.
A pair with an image that fails (unreadable, no face) counts as an error: a genuine pair
is a false reject, an impostor pair a correct reject. Results: k-fold accuracy (when the
pairs have folds; threshold from the other folds), TAR at FAR 1e-3 and 1e-2, AUC, ROC.

pfe eval pairs: pair-file format, one pair per line (TAB-separated, '#' comments):
  pathA<TAB>pathB<TAB>label[<TAB>fold]      label 1 = same person, 0 = different
  Paths are relative to --root. The fold column is optional (all lines or none).

The LFW protocols read an LFW folder (README, "Data"): images/<Person>/<Person>_NNNN.jpg
  (250x250 originals or 150x150 copies), pairs.txt, people.txt, ldmark_lfw_mtcnncaffe.txt.
  It is --root, else $PFE_SHARED_DATA/lfw, else ../shared/data/lfw; it is checked first.

pfe eval lfw: --root is the LFW folder (pairs.txt, images/, ldmark_lfw_mtcnncaffe.txt);
  by default the images come from ${DEFAULT_LFW_CACHE}/<backbone>/clean when it exists and are aligned with
  the MTCNN landmark file. Centred cosine subtracts the mean mu of the other nine folds.

pfe eval dilemma: genuine pairs = a clean image vs a degraded image of the same person,
  impostor pairs = two degraded images of different people, at every ladder level; mean ±
  std of each method's scores per level (SVG per method), AUC and TAR per level. Images
  come from <lfw-cache>/clean and <lfw-cache>/level<k> when present, else are embedded.

pfe eval risk: every View 2 image is drawn (seeded, --draw-seed) at one of --levels with
  probabilities --weights; the methods are compared on these mixed pairs, then pairs are
  discarded by image quality: PFE uncertainty, the detector's score (the detector is run on
  the same degraded images), the norm of the raw pooled features, and at random. EDC with
  the threshold fixed at FAR 1e-3 before discarding, mean FNMR up to 30% discarded, and
  TAR@FAR 1e-3 after removing 0/5/10/20/30% of the images.

pfe eval templates: --draws times two disjoint templates per person of the View 2 people
  sets (≥ --min-images images), 1..--max-size images each, each member degraded with probability --degraded at
  one of --levels; --impostors impostor pairs per person within its fold. Compares the mean
  of mu (raw, centred) + cosine with PFE fusion (product, min) + MLS and fused mu + cosine.

pfe eval sheet: per-image σ² of every clean LFW image (out-of-fold with --fold-heads),
  the most and least confident faces, and for two faces of each kind the nearest gallery
  faces to samples z ~ N(mu, σ²); also the rate at which samples land on the same person.

pfe eval ablation: each --variant NAME=FILE (one head) or NAME=PATTERN with {fold}
  (per-fold heads) is evaluated on clean View 2 and on the mixed protocol of 'risk'
  (--levels, --weights, --draw-seed): MLS, weighting only, penalty only, cosine on head mu.

Options:
      --norm-sigma-power <p> (dilemma, risk, templates) investigation: instead of a head, σ² = 4.83e-4·(‖raw‖/median)^−p
      --levels <list>      (dilemma) ladder levels, default 0,1,2,3,4,5; (risk) default 0,2,4;
                           (templates) degraded levels, default 2,4
      --pairs-file <name> (ablation, dilemma) LFW pairs file (default pairs.txt; pairsDevTest.txt = View 1 test,
                           person-disjoint from View 1 training people: honest for heads trained on them)
      --max-size <n>       (templates) largest template (default 8)
      --degraded <p>       (templates) probability a member is degraded (default 0.5)
      --impostors <n>      (templates) impostor pairs per person and draw (default 20)
      --min-images <n>     (templates) people with at least n images (default 4)
      --draws <n>          (templates) template pairs drawn per person (default 5)
      --weights <list>     (risk) probability of each level, default 0.5,0.25,0.25
      --draw-seed <N>      (risk) seed of the level draw and the random quality (default 1)
      --no-detector        (risk) skip the detector-score baseline
      --detector-embeddings <dir> (risk) detector-aligned clean LFW folder for the detector scores
      --folds <n>          (dilemma) use the pairs of the first n View 2 folds (default 10)
      --lfw-cache <dir>    (lfw, dilemma) folder of LFW embedding folders (default ${DEFAULT_LFW_CACHE}/<backbone>)
      --pairs <file>       (pairs) the pair list
      --root <dir>         (pairs) image root; (LFW protocols) the LFW folder, default
                           $PFE_SHARED_DATA/lfw, else ../shared/data/lfw
${commonHelp}`;

type Values = ReturnType<typeof parseCommandArgs<typeof COMMON_OPTIONS>>['values'];

/** Which heads give sigma² (--head, --fold-heads, --no-default-head). */
function headSelectionOf(values: Values): HeadSelection {
  return {
    ...(values.head === undefined ? {} : { headFile: values.head }),
    ...(values['fold-heads'] === undefined ? {} : { foldHeadPattern: values['fold-heads'] }),
    useDefaultHead: values['no-default-head'] !== true,
  };
}

/** The investigation option --norm-sigma-power, when given. */
function normSigmaOf(values: Values): { normSigmaPower?: number } {
  return values['norm-sigma-power'] === undefined ? {} : { normSigmaPower: numberOption(values['norm-sigma-power'], 'norm-sigma-power', {}, 0) };
}

/** The backbone named by --backbone (default DEFAULT_BACKBONE). */
function backboneOf(values: Values): BackboneName {
  return resolveBackbone(values.backbone);
}

/** The folder of cached LFW embedding folders of the run's backbone (--lfw-cache). */
function lfwCacheOf(values: Values): string {
  return values['lfw-cache'] ?? path.join(DEFAULT_LFW_CACHE, backboneOf(values));
}

/**
 * The LFW folder (--root, else $PFE_SHARED_DATA/lfw, else ../shared/data/lfw), checked to hold
 * `parts` before any work starts.
 * @throws PfeError IO_ERROR saying what is missing and how to point at another folder
 */
function lfwRootOf(values: Values, parts: readonly LfwPart[]): string {
  const root = values.root ?? defaultLfwRoot();
  checkLfwFolder(root, parts, values.root !== undefined ? 'given with --root' : process.env['PFE_SHARED_DATA'] ? 'from PFE_SHARED_DATA' : 'the default; no --root given');
  return root;
}

/** The pairs file a protocol reads: --pairs-file inside the LFW folder, default pairs.txt. */
function pairsPart(values: Values): LfwPart {
  return values['pairs-file'] === undefined ? LFW_PARTS.pairs : { name: values['pairs-file'], folder: false, what: 'the pairs file named by --pairs-file' };
}

/** The landmark file is needed in the LFW folder unless --landmarks names another. */
function landmarkParts(values: Values): LfwPart[] {
  return values.landmarks === undefined ? [LFW_PARTS.landmarks] : [];
}

/** The landmark file: --landmarks, or the reference code's MTCNN file inside the LFW folder. */
function landmarkFileOf(values: Values, lfw: string): string {
  return values.landmarks ?? path.join(lfw, 'ldmark_lfw_mtcnncaffe.txt');
}

/** The landmark file fitted to the images under `imageRoot` (--landmark-scale), warnings on stderr. */
function landmarksUnder(values: Values, landmarkFile: string, imageRoot: string): ReturnType<typeof loadFittedLandmarksUnder> {
  return loadFittedLandmarksUnder(landmarkFile, imageRoot, landmarkScaleChoice(values['landmark-scale']), (line) => process.stderr.write(`pfe eval: ${line}\n`));
}

/**
 * Where the clean and ladder-level images of an LFW protocol come from: the cached level
 * folders (they were made with seed 1, so only for that seed), the landmarks, the per-image
 * cache and the worker count.
 */
async function ladderImages(
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
    cacheDir: values.cache ?? DEFAULT_CACHE_DIR,
    ...(values.workers === undefined ? {} : { workers: integerOption(values.workers, 'workers', { min: 0, max: 64 }, 0) }),
  };
}

async function jobFrom(values: Values, protocol: string, pairList: PairList, root: string, landmarkFile: string | undefined, folders: string[], outDefault?: string): Promise<VerificationJob> {
  const outDir = values.out ?? outDefault;
  if (outDir === undefined) throw new UsageError('--out is required');
  let progress: Progress | undefined;
  let last = 0;
  return {
    title: protocol === 'lfw' ? 'LFW View 2' : `pairs: ${path.basename(values.pairs ?? '')}`,
    ...(values.backbone === undefined ? {} : { backbone: values.backbone }),
    pairList,
    root,
    embeddingFolders: folders,
    ...(landmarkFile === undefined ? {} : { landmarks: await landmarksUnder(values, landmarkFile, root) }),
    ...(values.degrade === undefined ? {} : { degrade: values.degrade }),
    ...(values.seed === undefined ? {} : { seed: integerOption(values.seed, 'seed', { min: 0, max: 0xffffffff }, 0) }),
    cacheDir: values.cache ?? DEFAULT_CACHE_DIR,
    ...(values.workers === undefined ? {} : { workers: integerOption(values.workers, 'workers', { min: 0, max: 64 }, 0) }),
    heads: headSelectionOf(values),
    ablations: values.ablations === true,
    outDir,
    log: (line) => process.stderr.write(`pfe eval ${protocol}: ${line}\n`),
    onProgress: (finished, all) => {
      progress ??= createProgress(`pfe eval ${protocol}: images`, all, process.stderr);
      progress.tick(finished - last);
      last = finished;
      if (finished === all) progress.done();
    },
    meta: {
      command: `pfe eval ${process.argv.slice(3).join(' ')}`,
      root,
      landmarks: landmarkFile ?? null,
      embeddingFolders: folders,
      degrade: values.degrade ?? null,
    },
  };
}

/** Embedding folders of whole-LFW `pfe embed` runs: <cache>/clean and <cache>/level<k> (seed 1), where complete. */
function lfwFolders(cache: string, levels: readonly number[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const level of [0, ...levels]) {
    const dir = path.join(cache, level === 0 ? 'clean' : `level${level}`);
    if (existsSync(path.join(dir, 'index.json'))) out.set(level, [dir]);
  }
  return out;
}

function parseLevels(text: string | undefined): number[] {
  if (text === undefined) return [0, 1, 2, 3, 4, 5];
  const levels = text.split(',').map((t) => integerOption(t.trim(), 'levels', { min: 0, max: MAX_DEGRADE_LEVEL }, 0));
  if (levels.length === 0) throw new UsageError('--levels needs at least one level');
  return [...new Set(levels)].sort((a, b) => a - b);
}

async function runDilemmaCommand(values: Values): Promise<number> {
  const lfw = lfwRootOf(values, [pairsPart(values), LFW_PARTS.images, ...landmarkParts(values)]);
  const levels = parseLevels(values.levels);
  const seed = integerOption(values.seed, 'seed', { min: 0, max: 0xffffffff }, 1);
  const landmarks = landmarkFileOf(values, lfw);
  const outDir = values.out ?? path.join('out', 'eval-dilemma');
  const outcome = await runDilemma({
    setup: {
      lfwRoot: lfw,
      ...(values['pairs-file'] === undefined ? {} : { pairsFile: values['pairs-file'] }),
      folds: integerOption(values.folds, 'folds', { min: 2, max: 10 }, 10),
      ...(await ladderImages(values, levels, seed, landmarks, path.join(lfw, 'images'))),
      onProgress: progressReporter('pfe eval dilemma'),
    },
    levels,
    heads: headSelectionOf(values),
    ...normSigmaOf(values),
    fars: [1e-3, 1e-2],
    outDir,
    log: (line) => process.stderr.write(`pfe eval dilemma: ${line}\n`),
    meta: { command: `pfe eval ${process.argv.slice(3).join(' ')}`, lfw, landmarks, seed, levels },
  });
  process.stdout.write(`${outcome.markdown}\n\nwritten to ${outDir}/ (results.json, table.md, ${outcome.plots.join(', ')})\n`);
  return 0;
}

function progressReporter(prefix: string): (label: string, finished: number, total: number) => void {
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

async function runRiskCommand(values: Values): Promise<number> {
  const lfw = lfwRootOf(values, [LFW_PARTS.pairs, LFW_PARTS.images, ...landmarkParts(values)]);
  const levels = values.levels === undefined ? [0, 2, 4] : parseLevels(values.levels);
  const weights = (values.weights ?? '0.5,0.25,0.25').split(',').map((t) => numberOption(t.trim(), 'weights', { min: 0 }, 0));
  if (weights.length !== levels.length) throw new UsageError(`--weights has ${weights.length} values for ${levels.length} levels`);
  const seed = integerOption(values.seed, 'seed', { min: 0, max: 0xffffffff }, 1);
  const drawSeed = integerOption(values['draw-seed'], 'draw-seed', { min: 0, max: 0xffffffff }, 1);
  const landmarks = landmarkFileOf(values, lfw);
  const outDir = values.out ?? path.join('out', 'eval-risk');
  const outcome = await runRisk({
    setup: {
      lfwRoot: lfw,
      folds: integerOption(values.folds, 'folds', { min: 2, max: 10 }, 10),
      ...(await ladderImages(values, levels, seed, landmarks, path.join(lfw, 'images'))),
      onProgress: progressReporter('pfe eval risk'),
    },
    levels,
    weights,
    drawSeed,
    heads: headSelectionOf(values),
    ...normSigmaOf(values),
    detector: values['no-detector'] !== true,
    ...(values['detector-embeddings'] === undefined ? {} : { detectorFolders: new Map([[0, [values['detector-embeddings']]]]) }),
    fars: [1e-3, 1e-2],
    // The settings: threshold at FAR 1e-3, pAUC up to 30% discarded (1% grid steps).
    risk: { far: 1e-3, pAucLimit: 0.3, gridPoints: 31, filterFractions: [0, 0.05, 0.1, 0.2, 0.3] },
    outDir,
    log: (line) => process.stderr.write(`pfe eval risk: ${line}\n`),
    meta: { command: `pfe eval ${process.argv.slice(3).join(' ')}`, lfw, landmarks, seed, drawSeed },
  });
  process.stdout.write(`${outcome.markdown}\n\nwritten to ${outDir}/\n`);
  return 0;
}

async function runTemplatesCommand(values: Values): Promise<number> {
  const lfw = lfwRootOf(values, [LFW_PARTS.people, LFW_PARTS.images, ...landmarkParts(values)]);
  const levels = values.levels === undefined ? [2, 4] : parseLevels(values.levels).filter((l) => l > 0);
  const seed = integerOption(values.seed, 'seed', { min: 0, max: 0xffffffff }, 1);
  const landmarks = landmarkFileOf(values, lfw);
  const outDir = values.out ?? path.join('out', 'eval-templates');
  const templates = {
    maxSize: integerOption(values['max-size'], 'max-size', { min: 1, max: 100 }, 8),
    degradedProbability: numberOption(values.degraded, 'degraded', { min: 0, max: 1 }, 0.5),
    impostorsPerPerson: integerOption(values.impostors, 'impostors', { min: 1, max: 1000 }, 20),
    minImages: integerOption(values['min-images'], 'min-images', { min: 2, max: 1000 }, 4),
    draws: integerOption(values.draws, 'draws', { min: 1, max: 100 }, 5),
    seed: integerOption(values['draw-seed'], 'draw-seed', { min: 0, max: 0xffffffff }, 1),
  };
  const outcome = await runTemplates({
    setup: {
      lfwRoot: lfw,
      ...(await ladderImages(values, levels, seed, landmarks, path.join(lfw, 'images'))),
      onProgress: progressReporter('pfe eval templates'),
    },
    degradedLevels: levels,
    templates,
    ...normSigmaOf(values),
    heads: headSelectionOf(values),
    fars: [1e-3, 1e-2],
    outDir,
    log: (line) => process.stderr.write(`pfe eval templates: ${line}\n`),
    meta: { command: `pfe eval ${process.argv.slice(3).join(' ')}`, lfw, landmarks, seed },
  });
  process.stdout.write(`${outcome.markdown}\n\nwritten to ${outDir}/\n`);
  return 0;
}

async function runSheetCommand(values: Values): Promise<number> {
  const lfw = lfwRootOf(values, [LFW_PARTS.people, LFW_PARTS.images]);
  const outDir = values.out ?? path.join('out', 'eval-sheet');
  const clean = path.join(lfwCacheOf(values), 'clean');
  const { stats } = await runSheet({
    lfwRoot: lfw,
    folders: values.embeddings ?? [clean],
    heads: headSelectionOf(values),
    backbone: backboneOf(values),
    perExtreme: 10,
    statFaces: 100,
    samples: 5,
    seed: integerOption(values['draw-seed'], 'draw-seed', { min: 0, max: 0xffffffff }, 1),
    outDir,
    log: (line) => process.stderr.write(`pfe eval sheet: ${line}\n`),
    meta: { command: `pfe eval ${process.argv.slice(3).join(' ')}`, lfw },
  });
  process.stdout.write(`${JSON.stringify(stats, null, 1)}\nwritten to ${outDir}/ (contact-sheet.svg, sheet.json)\n`);
  return 0;
}

async function runAblationCommand(values: Values): Promise<number> {
  const lfw = lfwRootOf(values, [pairsPart(values), LFW_PARTS.images, ...landmarkParts(values)]);
  const levels = values.levels === undefined ? [0, 2, 4] : parseLevels(values.levels);
  const weights = (values.weights ?? '0.5,0.25,0.25').split(',').map((t) => numberOption(t.trim(), 'weights', { min: 0 }, 0));
  if (weights.length !== levels.length) throw new UsageError(`--weights has ${weights.length} values for ${levels.length} levels`);
  const variants = (values.variant ?? []).map((v) => {
    // The last '=' splits: a variant name may contain '=' ("λ=1"), a head path rarely does.
    const eq = v.lastIndexOf('=');
    if (eq < 1) throw new UsageError(`--variant '${v}' must be NAME=FILE or NAME=PATTERN with {fold}`);
    const file = v.slice(eq + 1);
    return { name: v.slice(0, eq), heads: file.includes('{fold}') ? { foldHeadPattern: file } : { headFile: file } };
  });
  if (variants.length === 0) throw new UsageError('name at least one --variant NAME=HEAD');
  const landmarks = landmarkFileOf(values, lfw);
  const outDir = values.out ?? path.join('out', 'eval-ablation');
  const outcome = await runAblation({
    setup: {
      lfwRoot: lfw,
      ...(values['pairs-file'] === undefined ? {} : { pairsFile: values['pairs-file'] }),
      folders: lfwFolders(lfwCacheOf(values), levels),
      landmarks: await landmarksUnder(values, landmarks, path.join(lfw, 'images')),
      seed: 1,
      cacheDir: values.cache ?? DEFAULT_CACHE_DIR,
      backbone: backboneOf(values),
      onProgress: progressReporter('pfe eval ablation'),
    },
    variants,
    mixed: { levels, weights, seed: integerOption(values['draw-seed'], 'draw-seed', { min: 0, max: 0xffffffff }, 1) },
    fars: [1e-3, 1e-2],
    outDir,
    log: (line) => process.stderr.write(`pfe eval ablation: ${line}\n`),
    meta: { command: `pfe eval ${process.argv.slice(3).join(' ')}`, lfw, landmarks },
  });
  process.stdout.write(`${outcome.markdown}\n\nwritten to ${outDir}/\n`);
  return 0;
}

/** `pfe eval <protocol>`: verification evaluations with cosine, centred cosine and MLS. */
const evalCommand: CliCommand = {
  summary: 'evaluate verification on a pair list or LFW View 2: cosine, centred cosine, MLS (JSON, table, ROC SVG)',
  usage,
  async run(argv) {
    const [protocol, ...rest] = argv;
    const { values, positionals } = parseCommandArgs(rest, COMMON_OPTIONS);
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const singleHead = values['fold-heads'] === undefined && (values.head !== undefined || (values['no-default-head'] !== true && findDefaultHead(backboneOf(values)) !== undefined));
    if (protocol !== 'pairs' && protocol !== 'ablation' && singleHead) {
      process.stderr.write(
        `pfe eval ${protocol}: warning: MLS uses one head for every fold${values.head === undefined ? ' (the shipped head, trained on all LFW people)' : ''}; ` +
          'if it saw LFW people its LFW numbers are not out-of-fold — give --fold-heads for an honest protocol\n',
      );
    }
    let job: VerificationJob;
    if (protocol === 'pairs') {
      const file = requireOption(values.pairs, 'pairs');
      const root = requireOption(values.root, 'root');
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (e) {
        throw new PfeError('IO_ERROR', `cannot read pair file ${file}`, { path: file }, { cause: e });
      }
      const pairList: PairList = withSource(file, () => parsePairFile(text));
      job = await jobFrom(values, 'pairs', pairList, root, values.landmarks, values.embeddings ?? []);
    } else if (protocol === 'lfw') {
      const lfw = lfwRootOf(values, [LFW_PARTS.pairs, LFW_PARTS.images, ...landmarkParts(values)]);
      const pairsFile = path.join(lfw, 'pairs.txt');
      const pairsText = await readFile(pairsFile, 'utf8');
      const pairs = withSource(pairsFile, () => parseLfwPairs(pairsText));
      // View 2 has 10 folds; a smaller pairs.txt in the same format (a test, a subset) has its own count.
      const foldCount = 1 + Math.max(0, ...pairs.map((p) => p.fold));
      const pairList: PairList = { pairs, foldCount, foldLabels: Array.from({ length: foldCount }, (_, f) => f + 1) };
      const cleanFolder = path.join(lfwCacheOf(values), 'clean');
      const folders = values.embeddings ?? (values.degrade === undefined && existsSync(path.join(cleanFolder, 'index.json')) ? [cleanFolder] : []);
      const landmarks = landmarkFileOf(values, lfw);
      job = await jobFrom(values, 'lfw', pairList, path.join(lfw, 'images'), landmarks, folders, path.join('out', 'eval-lfw'));
    } else if (protocol === 'ablation') {
      return runAblationCommand(values);
    } else if (protocol === 'sheet') {
      return runSheetCommand(values);
    } else if (protocol === 'templates') {
      return runTemplatesCommand(values);
    } else if (protocol === 'risk') {
      return runRiskCommand(values);
    } else if (protocol === 'dilemma') {
      return runDilemmaCommand(values);
    } else {
      throw new UsageError(protocol === undefined ? 'name a protocol: pairs, lfw, dilemma, risk, templates, sheet or ablation' : `unknown protocol '${protocol}' (pairs, lfw, dilemma, risk, templates, sheet, ablation)`);
    }
    const outcome = await runVerificationJob(job);
    const e = outcome.evaluation;
    process.stdout.write(
      `${e.pairCount} pairs (${e.genuinePairs} genuine), ${e.failedImages} failed images -> ${e.failedPairs.genuine} genuine pairs rejected, ${e.failedPairs.impostor} impostor pairs rejected\n` +
        `MLS: ${outcome.heads?.description ?? 'not evaluated (no head)'}\n\n${outcome.markdown}\n\nwritten to ${job.outDir}/ (results.json, table.md, roc.svg)\n`,
    );
    for (const f of outcome.table.failures.slice(0, 20)) process.stderr.write(`failed: ${f.path}: ${f.code} ${f.reason}\n`);
    if (outcome.table.failures.length > 20) process.stderr.write(`... and ${outcome.table.failures.length - 20} more failures (all in results.json)\n`);
    return 0;
  },
};

export default evalCommand;
