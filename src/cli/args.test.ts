import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { choiceOption, expectPositionals, integerOption, numberOption, parseCommandArgs, requireOption } from './args.js';
import { UsageError } from './command.js';

function expectUsage(fn: () => unknown, messagePart: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof UsageError, `expected UsageError, got ${String(e)}`);
    assert.match(e.message, messagePart);
    return true;
  });
}

const OPTIONS = { out: { type: 'string', short: 'o' }, verbose: { type: 'boolean' } } as const;

describe('parseCommandArgs', () => {
  it('parses long, short and = forms with positionals in any position', () => {
    const r = parseCommandArgs(['A', '-o', 'x.npy', 'B', '--verbose'], OPTIONS);
    assert.deepEqual(r.positionals, ['A', 'B']);
    assert.equal(r.values.out, 'x.npy');
    assert.equal(r.values.verbose, true);
    assert.equal(parseCommandArgs(['--out=y.npy'], OPTIONS).values.out, 'y.npy');
    assert.deepEqual(parseCommandArgs(['--', '--not-an-option'], OPTIONS).positionals, ['--not-an-option']);
  });
  it('turns parseArgs errors into UsageError', () => {
    expectUsage(() => parseCommandArgs(['--nope'], OPTIONS), /Unknown option '--nope'/);
    expectUsage(() => parseCommandArgs(['--out'], OPTIONS), /--out/);
    expectUsage(() => parseCommandArgs(['--verbose=yes'], OPTIONS), /--verbose/);
  });
});

describe('argument helpers', () => {
  it('expectPositionals checks the exact count and names what is expected', () => {
    assert.deepEqual(expectPositionals(['a', 'b'], ['A', 'B']), ['a', 'b']);
    expectUsage(() => expectPositionals(['a'], ['A', 'B']), /expected 2 arguments <A> <B>, got 1: 'a'/);
    expectUsage(() => expectPositionals([], ['A']), /expected 1 argument <A>, got 0: none/);
  });
  it('requireOption rejects absent and empty values', () => {
    assert.equal(requireOption('x', 'out'), 'x');
    expectUsage(() => requireOption(undefined, 'out'), /--out is required/);
    expectUsage(() => requireOption('', 'out'), /--out is required/);
  });
  it('choiceOption returns the fallback when absent and rejects unknown names', () => {
    const choices = ['mls', 'cosine'] as const;
    assert.equal(choiceOption(undefined, 'metric', choices, 'mls'), 'mls');
    assert.equal(choiceOption('cosine', 'metric', choices, 'mls'), 'cosine');
    expectUsage(() => choiceOption('MLS', 'metric', choices, 'mls'), /--metric must be one of mls, cosine; got 'MLS'/);
  });
  it('integerOption parses integers in range only', () => {
    assert.equal(integerOption(undefined, 'k', { min: 1 }, 5), 5);
    assert.equal(integerOption('12', 'k', { min: 1 }, 5), 12);
    assert.equal(integerOption('-3', 'k', {}, 5), -3);
    expectUsage(() => integerOption('1.5', 'k', {}, 5), /--k must be an integer; got '1.5'/);
    expectUsage(() => integerOption('', 'k', {}, 5), /must be an integer/);
    expectUsage(() => integerOption('0x10', 'k', {}, 5), /must be an integer/);
    expectUsage(() => integerOption('0', 'k', { min: 1, max: 9 }, 5), /--k must be within 1\.\.9; got 0/);
  });
  it('numberOption parses plain decimal numbers in range only', () => {
    assert.equal(numberOption(undefined, 't', {}, 0.5), 0.5);
    assert.equal(numberOption('-2.5e-3', 't', {}, 0), -0.0025);
    assert.equal(numberOption('.5', 't', { min: 0, max: 1 }, 0), 0.5);
    expectUsage(() => numberOption('abc', 't', {}, 0), /--t must be a number; got 'abc'/);
    expectUsage(() => numberOption('Infinity', 't', {}, 0), /must be a number/);
    expectUsage(() => numberOption('', 't', {}, 0), /must be a number/);
    expectUsage(() => numberOption('1.5', 't', { max: 1 }, 0), /within -∞\.\.1; got 1\.5/);
  });
});
