import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { imagesOfPairs, loadLfwBase } from './lfw-setup.js';
import { sharedDataDir } from '../testing/paths.js';

const data = sharedDataDir();

describe('loadLfwBase (needs ../shared/data)', { skip: data === undefined ? 'no ../shared/data' : false }, () => {
  const lfwRoot = path.join(data ?? '', 'lfw');
  it('View 2: 6,000 pairs over 7,701 images in 10 folds; the first n folds keep their numbers', async () => {
    const all = await loadLfwBase({ lfwRoot, seed: 1 });
    assert.equal(all.pairs.labels.length, 6000);
    assert.equal(all.paths.length, 7701);
    assert.equal(all.pairs.folds!.count, 10);
    const three = await loadLfwBase({ lfwRoot, seed: 1, folds: 3 });
    assert.equal(three.pairs.labels.length, 1800);
    assert.deepEqual(new Set(three.pairs.folds!.index), new Set([0, 1, 2]));
    assert.equal(three.files[0], path.join(lfwRoot, 'images', three.paths[0]!));
  });
  it('View 1 test file: one fold of 1,000 pairs; images of the genuine second slots', async () => {
    const v1 = await loadLfwBase({ lfwRoot, seed: 1, pairsFile: 'pairsDevTest.txt' });
    assert.equal(v1.pairs.labels.length, 1000);
    assert.equal(v1.pairs.folds!.count, 1);
    const second = imagesOfPairs(v1, (p) => v1.pairs.labels[p] === 1, 'b');
    let n = 0;
    for (let p = 0; p < 1000; p++) if (v1.pairs.labels[p] === 1) assert.equal(second[v1.pairs.b[p]!], 1);
    for (const v of second) n += v;
    assert.ok(n > 0 && n <= 500);
  });
});
