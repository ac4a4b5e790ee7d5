/** `pfe eval templates`: template verification from LFW people (fusion). */
import path from 'node:path';
import { LFW_PARTS } from '../../../eval/lfw-folder.js';
import { runTemplates } from '../../../eval/run-templates.js';
import { integerOption, numberOption } from '../../args.js';
import { headSelectionOf, ladderImages, landmarkFileOf, landmarkParts, lfwRootOf, normSigmaOf, parseLevels, progressReporter, type Values } from './options.js';

/** Runs the template protocol and prints its table. */
export async function runTemplatesCommand(values: Values): Promise<number> {
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
