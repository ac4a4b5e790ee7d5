import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { lfwImagePath, parseLfwPairs, parseLfwPeople } from './lfw-protocol.js';
import { PfeError } from '../core/errors.js';
import { sharedDataDir } from '../testing/paths.js';

const tiny = ['2\t1', 'Ann\t1\t2', 'Ann\t1\tBob\t3', 'Cy\t2\t4', 'Bob\t1\tCy\t1', ''].join('\n');

describe('parseLfwPairs', () => {
  it('reads folds, matched then mismatched lines', () => {
    const pairs = parseLfwPairs(tiny);
    assert.equal(pairs.length, 4);
    assert.deepEqual(pairs[0], { pathA: 'Ann/Ann_0001.jpg', pathB: 'Ann/Ann_0002.jpg', genuine: true, fold: 0 });
    assert.deepEqual(pairs[1], { pathA: 'Ann/Ann_0001.jpg', pathB: 'Bob/Bob_0003.jpg', genuine: false, fold: 0 });
    assert.equal(pairs[2]!.fold, 1);
    assert.equal(pairs[3]!.genuine, false);
  });
  it('rejects a wrong line count or a malformed line with the line number', () => {
    assert.throws(() => parseLfwPairs('2\t1\nAnn\t1\t2\n'), (e: unknown) => e instanceof PfeError && e.code === 'INVALID_FORMAT');
    assert.throws(() => parseLfwPairs(tiny.replace('Ann\t1\t2', 'Ann\t1\tx')), /line 2/);
  });
  it('pads image numbers to four digits', () => {
    assert.equal(lfwImagePath('A_B', 12), 'A_B/A_B_0012.jpg');
  });
  const data = sharedDataDir();
  it('reads the real View 2 pairs and people (needs ../shared/data)', { skip: data === undefined ? 'no ../shared/data' : false }, () => {
    const pairs = parseLfwPairs(readFileSync(path.join(data!, 'lfw', 'pairs.txt'), 'utf8'));
    assert.equal(pairs.length, 6000);
    assert.equal(pairs.filter((p) => p.genuine).length, 3000);
    assert.equal(new Set(pairs.map((p) => p.fold)).size, 10);
    const sets = parseLfwPeople(readFileSync(path.join(data!, 'lfw', 'people.txt'), 'utf8'));
    assert.equal(sets.length, 10);
    // Every pair of fold f uses people of set f only (the person-disjoint design).
    const setOf = new Map<string, number>();
    sets.forEach((s, i) => s.forEach((p) => setOf.set(p.name, i)));
    for (const p of pairs) assert.equal(setOf.get(p.pathA.split('/')[0]!), p.fold);
    const dev = parseLfwPeople(readFileSync(path.join(data!, 'lfw', 'peopleDevTrain.txt'), 'utf8'));
    assert.equal(dev.length, 1);
    assert.equal(dev[0]!.length, 4038);
  });
});
