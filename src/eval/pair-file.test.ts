import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatPairFile, parsePairFile } from './pair-file.js';
import { PfeError } from '../core/errors.js';

function lineOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof PfeError) return e.details['line'] as number | undefined;
    throw e;
  }
  return undefined;
}

describe('parsePairFile', () => {
  it('reads pairs, skips comments and blank lines, keeps spaces inside paths', () => {
    const text = '# my pairs\n\na/x 1.jpg\tb/y.jpg\t1\r\n  # indented comment\nc.png\td.png\t0\n';
    const list = parsePairFile(text);
    assert.equal(list.foldCount, 0);
    assert.deepEqual(list.pairs, [
      { pathA: 'a/x 1.jpg', pathB: 'b/y.jpg', genuine: true },
      { pathA: 'c.png', pathB: 'd.png', genuine: false },
    ]);
  });

  it('renumbers folds in increasing order', () => {
    const list = parsePairFile('a\tb\t1\t3\nc\td\t0\t1\ne\tf\t1\t3\n');
    assert.equal(list.foldCount, 2);
    assert.deepEqual(list.foldLabels, [1, 3]);
    assert.deepEqual(
      list.pairs.map((p) => p.fold),
      [1, 0, 1],
    );
  });

  it('gives the line number of each kind of bad line', () => {
    assert.equal(lineOf(() => parsePairFile('a\tb\t1\n# c\na b 1\n')), 3); // spaces, not TABs
    assert.equal(lineOf(() => parsePairFile('a\tb\t2\n')), 1); // label
    assert.equal(lineOf(() => parsePairFile('a\tb\tyes\n')), 1);
    assert.equal(lineOf(() => parsePairFile('a\tb\t1\n\na\t\t0\n')), 3); // empty path
    assert.equal(lineOf(() => parsePairFile('a\tb\t1\t-1\n')), 1); // negative fold
    assert.equal(lineOf(() => parsePairFile('a\tb\t1\tx\n')), 1);
    assert.equal(lineOf(() => parsePairFile('a\tb\t1\t0\tz\n')), 1); // too many fields
    assert.equal(lineOf(() => parsePairFile('a\tb\t1\t0\nc\td\t0\n')), 2); // fold on some lines only
    assert.throws(() => parsePairFile('a\tb\t1\nc\td\t0\t4\n'), /line 2: line 2 has a fold column but line 1 has none/);
  });

  it('rejects a file without pairs', () => {
    assert.throws(() => parsePairFile('# nothing\n\n'), (e: unknown) => e instanceof PfeError && e.code === 'EMPTY_INPUT');
  });

  it('round-trips through formatPairFile', () => {
    const list = parsePairFile('a\tb\t1\t0\nc d\te\t0\t1\n');
    const again = parsePairFile(formatPairFile(list.pairs, 'generated\nby a test'));
    assert.deepEqual(again.pairs, list.pairs);
    const noFolds = parsePairFile('a\tb\t1\n');
    assert.deepEqual(parsePairFile(formatPairFile(noFolds.pairs)).pairs, noFolds.pairs);
  });
});
