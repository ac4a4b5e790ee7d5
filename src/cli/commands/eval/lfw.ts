/** `pfe eval lfw`: LFW View 2 (6,000 pairs, 10 folds), from the cached clean LFW folder when present. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { withSource } from '../../../core/errors.js';
import { parseLfwPairs } from '../../../eval/lfw-protocol.js';
import type { PairList } from '../../../eval/pair-file.js';
import { LFW_PARTS } from '../../../eval/lfw-folder.js';
import { INDEX_FILE } from '../../../io/embedding-folder-index.js';
import { landmarkFileOf, landmarkParts, lfwCacheOf, lfwRootOf, type Values } from './options.js';
import { jobFrom, runVerificationCommand } from './verification.js';

/** Reads View 2's pairs.txt and runs the verification protocol on it. */
export async function runLfwCommand(values: Values): Promise<number> {
  const lfw = lfwRootOf(values, [LFW_PARTS.pairs, LFW_PARTS.images, ...landmarkParts(values)]);
  const pairsFile = path.join(lfw, 'pairs.txt');
  const pairsText = await readFile(pairsFile, 'utf8');
  const pairs = withSource(pairsFile, () => parseLfwPairs(pairsText));
  // View 2 has 10 folds; a smaller pairs.txt in the same format (a test, a subset) has its own count.
  const foldCount = 1 + Math.max(0, ...pairs.map((p) => p.fold));
  const pairList: PairList = { pairs, foldCount, foldLabels: Array.from({ length: foldCount }, (_, f) => f + 1) };
  const cleanFolder = path.join(lfwCacheOf(values), 'clean');
  const folders = values.embeddings ?? (values.degrade === undefined && existsSync(path.join(cleanFolder, INDEX_FILE)) ? [cleanFolder] : []);
  const landmarks = landmarkFileOf(values, lfw);
  return runVerificationCommand(await jobFrom(values, 'lfw', pairList, path.join(lfw, 'images'), landmarks, folders, path.join('out', 'eval-lfw')));
}
