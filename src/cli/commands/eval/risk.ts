/** `pfe eval risk`: mixed clean + degraded LFW View 2 pairs and risk control (EDC). */
import path from 'node:path';
import { LFW_PARTS } from '../../../eval/lfw-folder.js';
import { runRisk } from '../../../eval/run-risk.js';
import { integerOption, numberOption } from '../../args.js';
import { UsageError } from '../../command.js';
import { headSelectionOf, ladderImages, landmarkFileOf, landmarkParts, lfwRootOf, normSigmaOf, parseLevels, progressReporter, type Values } from './options.js';

/** Runs the risk-control protocol and prints its table. */
export async function runRiskCommand(values: Values): Promise<number> {
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
    // The risk-control settings of docs/RESULTS.md: threshold at FAR 1e-3, pAUC up to 30% discarded (1% grid steps).
    risk: { far: 1e-3, pAucLimit: 0.3, gridPoints: 31, filterFractions: [0, 0.05, 0.1, 0.2, 0.3] },
    outDir,
    log: (line) => process.stderr.write(`pfe eval risk: ${line}\n`),
    meta: { command: `pfe eval ${process.argv.slice(3).join(' ')}`, lfw, landmarks, seed, drawSeed },
  });
  process.stdout.write(`${outcome.markdown}\n\nwritten to ${outDir}/\n`);
  return 0;
}
