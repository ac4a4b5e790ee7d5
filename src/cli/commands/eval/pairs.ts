/** `pfe eval pairs`: verification on any pair list (--pairs FILE --root DIR). */
import { readFile } from 'node:fs/promises';
import { PfeError, withSource } from '../../../core/errors.js';
import { parsePairFile, type PairList } from '../../../eval/pair-file.js';
import { requireOption } from '../../args.js';
import type { Values } from './options.js';
import { jobFrom, runVerificationCommand } from './verification.js';

/** Reads the pair file and runs the verification protocol on it. */
export async function runPairsCommand(values: Values): Promise<number> {
  const file = requireOption(values.pairs, 'pairs');
  const root = requireOption(values.root, 'root');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new PfeError('IO_ERROR', `cannot read pair file ${file}`, { path: file }, { cause: e });
  }
  const pairList: PairList = withSource(file, () => parsePairFile(text));
  return runVerificationCommand(await jobFrom(values, 'pairs', pairList, root, values.landmarks, values.embeddings ?? []));
}
