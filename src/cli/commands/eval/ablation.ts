/** `pfe eval ablation`: MLS against its halves per head variant, clean and mixed LFW. */
import path from 'node:path';
import { LFW_PARTS } from '../../../eval/lfw-folder.js';
import { runAblation } from '../../../eval/run-ablation.js';
import { integerOption, numberOption } from '../../args.js';
import { UsageError } from '../../command.js';
import { DEFAULT_EMBED_CACHE_DIR } from '../../../face/pipeline/embed-cache.js';
import { backboneOf, landmarkFileOf, landmarkParts, landmarksUnder, lfwCacheOf, lfwFolders, lfwRootOf, pairsPart, parseLevels, progressReporter, type Values } from './options.js';

/** Runs the ablation and prints its table. */
export async function runAblationCommand(values: Values): Promise<number> {
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
      cacheDir: values.cache ?? DEFAULT_EMBED_CACHE_DIR,
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
