import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PfeError } from '../core/errors.js';
import { formatPythonLiteral, parsePythonLiteral } from './python-literal.js';

function expectInvalid(text: string, messagePart?: RegExp): void {
  assert.throws(
    () => parsePythonLiteral(text),
    (e: unknown) => {
      assert.ok(e instanceof PfeError, `expected PfeError, got ${String(e)}`);
      assert.equal(e.code, 'INVALID_FORMAT');
      if (messagePart) assert.match(e.message, messagePart);
      return true;
    },
  );
}

describe('parsePythonLiteral', () => {
  it('parses a numpy header dict, round-tripping through formatPythonLiteral', () => {
    const v = parsePythonLiteral("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }        \n");
    assert.equal(formatPythonLiteral(v), "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4)}");
  });
  it('tells 1-tuples, empty tuples and parenthesised integers apart', () => {
    assert.deepEqual(parsePythonLiteral('(5,)'), { kind: 'tuple', items: [{ kind: 'int', value: 5 }] });
    assert.deepEqual(parsePythonLiteral('( )'), { kind: 'tuple', items: [] });
    assert.deepEqual(parsePythonLiteral('(5)'), { kind: 'int', value: 5 });
    assert.deepEqual(parsePythonLiteral('[1 ,2,]'), {
      kind: 'list',
      items: [
        { kind: 'int', value: 1 },
        { kind: 'int', value: 2 },
      ],
    });
  });
  it('accepts Python 2 long suffixes, double quotes, escapes and None', () => {
    assert.equal(formatPythonLiteral(parsePythonLiteral('(3L, 4L)')), '(3, 4)');
    assert.deepEqual(parsePythonLiteral('"a\\\'b\\x41\\u03c3\\n"'), { kind: 'str', value: "a'bA\u03c3\n" });
    assert.deepEqual(parsePythonLiteral('None'), { kind: 'none' });
  });
  it('lets later duplicate keys win, like ast.literal_eval', () => {
    const v = parsePythonLiteral("{'a': 1, 'a': 2}");
    assert.equal(v.kind, 'dict');
    if (v.kind === 'dict') assert.deepEqual(v.entries.get('a'), { kind: 'int', value: 2 });
  });
  it('rejects what is not a plain literal, naming the position', () => {
    expectInvalid("{'a': 1.5}", /only integers/);
    expectInvalid("{'a': os}", /unknown name 'os'/);
    expectInvalid("{'a' 1}", /expected ':'/);
    expectInvalid("{1: 1}", /dict key is not a string/);
    expectInvalid("'abc", /unterminated string/);
    expectInvalid('(1, 2', /expected ','/);
    expectInvalid('(1) 2', /trailing characters/);
    expectInvalid('', /unexpected end/);
    expectInvalid('99999999999999999999', /too large/);
    expectInvalid("'\\x4'", /bad escape/);
  });
  it('rejects very deep nesting instead of overflowing the stack', () => {
    expectInvalid('('.repeat(100_000), /nesting deeper/);
  });
});
