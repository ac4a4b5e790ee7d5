/** `pfe eval dilemma`: the blurry-image dilemma on LFW View 2 pairs, per ladder level. */
import path from 'node:path';
import { LFW_PARTS } from '../../../eval/lfw-folder.js';
import { runDilemma } from '../../../eval/run-dilemma.js';
import { integerOption } from '../../args.js';
import { headSelectionOf, ladderImages, landmarkFileOf, landmarkParts, lfwRootOf, normSigmaOf, pairsPart, parseLevels, progressReporter, type Values } from './options.js';

/** Runs the dilemma protocol and prints its table. */
export async function runDilemmaCommand(values: Values): Promise<number> {
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
