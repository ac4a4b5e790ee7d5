/**
 * A complete verification run on a pair list of image paths (Node side): load or embed
 * the images, apply the uncertainty head(s), evaluate every method and write
 * `results.json`, `table.md` and `roc.svg` into the output folder.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PfeError } from '../core/errors.js';
import type { FiveLandmarks } from '../face/types.js';
import { initBackend } from '../face/runtime/tfjs-runtime.js';
import type { UncertaintyHead } from '../head/head-model.js';
import { findDefaultHead, loadHeadFile } from '../head/model-file.js';
import { assertSameBackbone, DEFAULT_BACKBONE, isBackboneName, parseBackboneName, resolveBackbone } from '../face/backbone/names.js';
import { headGaussianSource, type HeadChoice } from './head-source.js';
import { loadImageTable, type ImageTable } from './image-table.js';
import type { PairList } from './pair-file.js';
import { evaluatePairs, type PairsEvaluation } from './pairs-evaluation.js';
import { indexPairs, type IndexedPairs } from './pair-verification.js';
import { methodsMarkdownTable, methodSummary, rocPlotSvg } from './verification-report.js';
import type { GaussianSource } from './verification-methods.js';

/** The FARs every verification table reports (the operating points of the tables in docs/RESULTS.md). */
export const DEFAULT_FARS: readonly number[] = [1e-3, 1e-2];

/** Where the Gaussian embeddings come from. */
export interface HeadSelection {
  /** One head for every fold. */
  readonly headFile?: string;
  /** Per-fold heads: a path with `{fold}` replaced by the 0-based held-out fold index. */
  readonly foldHeadPattern?: string;
  /** Use the shipped default head when no head is named (default true). */
  readonly useDefaultHead?: boolean;
}

/** Everything a verification run needs. */
export interface VerificationJob {
  readonly title: string;
  /** The backbone (default: the heads', else DEFAULT_BACKBONE; see resolveBackbone). */
  readonly backbone?: string;
  readonly pairList: PairList;
  /** Pair paths are relative to this folder. */
  readonly root: string;
  readonly embeddingFolders?: readonly string[];
  readonly landmarks?: ReadonlyMap<string, FiveLandmarks>;
  readonly degrade?: string;
  readonly seed?: number;
  readonly cacheDir?: string;
  readonly workers?: number;
  readonly heads: HeadSelection;
  readonly ablations?: boolean;
  readonly fars?: readonly number[];
  readonly outDir: string;
  /** Progress messages (stderr in the CLI). */
  readonly log: (line: string) => void;
  readonly onProgress?: (finished: number, total: number) => void;
  /** Extra fields for results.json (command line, data). */
  readonly meta?: Readonly<Record<string, unknown>>;
}

/** Heads loaded for a run and a sentence saying what they are. */
export interface LoadedHeads {
  readonly choice: HeadChoice;
  /** The backbone the heads were trained on, with a phrase naming them. */
  readonly backbone: { readonly backbone: string; readonly what: string };
  readonly description: string;
  readonly needsGrid: boolean;
}

/**
 * Loads the heads a selection names, or undefined when there is none; the shipped default
 * head is the one of `backbone` (a name, unchecked; default DEFAULT_BACKBONE).
 * @throws PfeError BACKBONE_MISMATCH when per-fold heads belong to different backbones
 */
export async function loadHeads(selection: HeadSelection, foldCount: number, backbone?: string): Promise<LoadedHeads | undefined> {
  if (selection.foldHeadPattern !== undefined) {
    if (!selection.foldHeadPattern.includes('{fold}')) throw new PfeError('INVALID_ARGUMENT', `the per-fold head pattern '${selection.foldHeadPattern}' must contain {fold}`);
    if (foldCount < 2) throw new PfeError('INVALID_ARGUMENT', 'per-fold heads need a pair list with at least 2 folds');
    const heads: UncertaintyHead[] = [];
    for (let f = 0; f < foldCount; f++) heads.push(await loadHeadFile(selection.foldHeadPattern.replace('{fold}', String(f))));
    const a = heads[0]!.architecture;
    const first = { backbone: heads[0]!.backbone, what: `per-fold head ${selection.foldHeadPattern.replace('{fold}', '0')}` };
    heads.forEach((h, f) => assertSameBackbone(first, { backbone: h.backbone, what: `per-fold head ${selection.foldHeadPattern!.replace('{fold}', String(f))}` }));
    return {
      choice: { kind: 'per-fold', heads },
      backbone: first,
      description: `out-of-fold heads ${selection.foldHeadPattern} (each fold scored by the head trained without it; ${a.sigmaMode} σ², input ${a.inputKind})`,
      needsGrid: heads.some((h) => h.architecture.inputKind === 'pooled_grid2x2'),
    };
  }
  const file = selection.headFile ?? (selection.useDefaultHead === false ? undefined : findDefaultHead(backbone === undefined ? DEFAULT_BACKBONE : parseBackboneName(backbone)));
  if (file === undefined) return undefined;
  const head = await loadHeadFile(file);
  const a = head.architecture;
  return {
    choice: { kind: 'single', head },
    backbone: { backbone: head.backbone, what: `head ${file}` },
    description: `one head ${path.relative(process.cwd(), file) || file} for every fold (${a.sigmaMode} σ², input ${a.inputKind})${selection.headFile === undefined ? ' — the shipped default head' : ''}`,
    needsGrid: a.inputKind === 'pooled_grid2x2',
  };
}

/** What runVerificationJob returns. */
export interface VerificationOutcome {
  readonly evaluation: PairsEvaluation;
  readonly table: ImageTable;
  readonly pairs: IndexedPairs;
  readonly paths: readonly string[];
  readonly heads: LoadedHeads | undefined;
  readonly markdown: string;
}

/** Runs the job and writes its outputs. */
export async function runVerificationJob(job: VerificationJob): Promise<VerificationOutcome> {
  const fars = job.fars ?? DEFAULT_FARS;
  const { paths, pairs } = indexPairs(job.pairList.pairs, job.pairList.foldCount);
  const heads = await loadHeads(job.heads, job.pairList.foldCount, job.backbone);
  // A head of a backbone this package does not ship (trained on folders made elsewhere) can
  // only score images from such folders; the run then keeps the named or default backbone.
  const backbone = resolveBackbone(job.backbone, heads !== undefined && isBackboneName(heads.backbone.backbone) ? heads.backbone : undefined);
  const files = paths.map((p) => path.join(job.root, p));
  job.log(`${pairs.labels.length} pairs over ${paths.length} images${job.pairList.foldCount > 0 ? `, ${job.pairList.foldCount} folds` : ''}`);
  const table = await loadImageTable(files, {
    landmarkRoot: job.root,
    backbone,
    ...(job.embeddingFolders === undefined ? {} : { folders: job.embeddingFolders }),
    ...(job.landmarks === undefined ? {} : { landmarks: job.landmarks }),
    ...(job.degrade === undefined ? {} : { degrade: job.degrade }),
    ...(job.seed === undefined ? {} : { seed: job.seed }),
    ...(job.cacheDir === undefined ? {} : { cacheDir: job.cacheDir }),
    ...(job.workers === undefined ? {} : { workers: job.workers }),
    ...(job.onProgress === undefined ? {} : { onProgress: job.onProgress }),
    needGrid: heads?.needsGrid ?? false,
  });
  job.log(`images: ${table.provenance.fromFolders} from embedding folders, ${table.provenance.embedded} embedded or read from the per-image cache, ${table.failures.length} failed`);
  let gaussian: { source: GaussianSource; description: string } | undefined;
  if (heads !== undefined) {
    await initBackend();
    gaussian = { source: headGaussianSource(heads.choice, table), description: heads.description };
  } else {
    job.log('no uncertainty head (give --head FILE or --fold-heads PATTERN): MLS is not evaluated');
  }
  const centringMean =
    heads?.choice.kind === 'single' ? { mean: heads.choice.head.weights.muMean, description: "head's training mean of mu, rows re-normalised" } : undefined;
  const evaluation = evaluatePairs({
    pairs,
    table,
    fars,
    ...(centringMean === undefined || !centringMean.mean.some((v) => v !== 0) ? {} : { centringMean }),
    ...(gaussian === undefined ? {} : { gaussian }),
    ...(job.ablations === undefined ? {} : { ablations: job.ablations }),
  });
  const markdown = methodsMarkdownTable(evaluation.methods, fars);
  await mkdir(job.outDir, { recursive: true });
  const report = {
    title: job.title,
    date: new Date().toISOString(),
    ...job.meta,
    pairs: evaluation.pairCount,
    genuinePairs: evaluation.genuinePairs,
    folds: job.pairList.foldCount,
    images: table.count,
    failedImages: evaluation.failedImages,
    failedPairs: evaluation.failedPairs,
    failures: table.failures,
    failedPairRule: 'a pair with a failed image scores below every real score: a genuine pair is a false reject, an impostor pair a correct reject',
    heads: heads?.description ?? null,
    methods: evaluation.methods.map(methodSummary),
  };
  await writeFile(path.join(job.outDir, 'results.json'), JSON.stringify(report, null, 1) + '\n');
  await writeFile(path.join(job.outDir, 'table.md'), markdown + '\n');
  await writeFile(path.join(job.outDir, 'roc.svg'), rocPlotSvg(job.title, evaluation.methods));
  return { evaluation, table, pairs, paths, heads, markdown };
}
