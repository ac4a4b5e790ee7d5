/**
 * The verification protocols (`pfe eval pairs`, `pfe eval lfw`): a VerificationJob from the
 * options, run, and its summary printed.
 */
import path from 'node:path';
import type { PairList } from '../../../eval/pair-file.js';
import { runVerificationJob, type VerificationJob } from '../../../eval/run-verification.js';
import { integerOption } from '../../args.js';
import { UsageError } from '../../command.js';
import { createProgress, type Progress } from '../../../io/progress.js';
import { DEFAULT_EMBED_CACHE_DIR } from '../../../face/pipeline/embed-cache.js';
import { headSelectionOf, landmarksUnder, type Values } from './options.js';

/** The verification job of a pair list: images, landmarks, heads, cache and output folder from the options. */
export async function jobFrom(values: Values, protocol: string, pairList: PairList, root: string, landmarkFile: string | undefined, folders: string[], outDefault?: string): Promise<VerificationJob> {
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
    cacheDir: values.cache ?? DEFAULT_EMBED_CACHE_DIR,
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

/** Runs a verification job and prints its summary (failures on stderr). */
export async function runVerificationCommand(job: VerificationJob): Promise<number> {
  const outcome = await runVerificationJob(job);
  const e = outcome.evaluation;
  process.stdout.write(
    `${e.pairCount} pairs (${e.genuinePairs} genuine), ${e.failedImages} failed images -> ${e.failedPairs.genuine} genuine pairs rejected, ${e.failedPairs.impostor} impostor pairs rejected\n` +
      `MLS: ${outcome.heads?.description ?? 'not evaluated (no head)'}\n\n${outcome.markdown}\n\nwritten to ${job.outDir}/ (results.json, table.md, roc.svg)\n`,
  );
  for (const f of outcome.table.failures.slice(0, 20)) process.stderr.write(`failed: ${f.path}: ${f.code} ${f.reason}\n`);
  if (outcome.table.failures.length > 20) process.stderr.write(`... and ${outcome.table.failures.length - 20} more failures (all in results.json)\n`);
  return 0;
}
