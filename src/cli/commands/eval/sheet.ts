/** `pfe eval sheet`: contact sheet of the most and least confident LFW faces. */
import path from 'node:path';
import { LFW_PARTS } from '../../../eval/lfw-folder.js';
import { runSheet } from '../../../eval/run-sheet.js';
import { integerOption } from '../../args.js';
import { backboneOf, headSelectionOf, lfwCacheOf, lfwRootOf, type Values } from './options.js';

/** Builds the contact sheet and prints its statistics. */
export async function runSheetCommand(values: Values): Promise<number> {
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
