import { PfeError } from '../core/errors.js';

/**
 * A parsed Python literal, restricted to what numpy writes into an `.npy` header:
 * dicts, tuples, lists, strings, integers, booleans and None. Floats, sets and
 * expressions are rejected. Pure (no Node APIs).
 */
export type PythonLiteral =
  | { readonly kind: 'str'; readonly value: string }
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'none' }
  | { readonly kind: 'tuple'; readonly items: readonly PythonLiteral[] }
  | { readonly kind: 'list'; readonly items: readonly PythonLiteral[] }
  | { readonly kind: 'dict'; readonly entries: ReadonlyMap<string, PythonLiteral> };

/**
 * Nesting limit: an npy header needs at most ~4 levels (dict > list > tuple > shape
 * tuple); the limit only stops crafted input like "((((((..." from overflowing the stack.
 */
const MAX_DEPTH = 64;

/** Sticky patterns (match exactly at lastIndex), so scanning never copies the rest of the text. */
const NAME = /[A-Za-z_]\w*/y;
const INTEGER = /[-+]?\s*\d+/y;

function fail(text: string, pos: number, what: string): never {
  const near = JSON.stringify(text.slice(pos, pos + 20));
  throw new PfeError('INVALID_FORMAT', `npy header is not a valid Python literal: ${what} at character ${pos} (near ${near})`, {
    position: pos,
  });
}

/** Recursive-descent parser over one header string; `pos` is the cursor. */
class LiteralParser {
  pos = 0;
  constructor(private readonly text: string) {}

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  /** Consumes `ch` after optional whitespace; returns whether it was there. */
  eat(ch: string): boolean {
    this.skipSpace();
    if (this.text[this.pos] === ch) {
      this.pos++;
      return true;
    }
    return false;
  }

  value(depth: number): PythonLiteral {
    if (depth > MAX_DEPTH) fail(this.text, this.pos, `nesting deeper than ${MAX_DEPTH}`);
    this.skipSpace();
    const ch = this.text[this.pos];
    if (ch === undefined) fail(this.text, this.pos, 'unexpected end');
    if (ch === '{') return this.dict(depth);
    if (ch === '(') return this.sequence(depth, ')');
    if (ch === '[') return this.sequence(depth, ']');
    if (ch === "'" || ch === '"') return { kind: 'str', value: this.string() };
    if (ch === '-' || ch === '+' || (ch >= '0' && ch <= '9')) return this.integer();
    NAME.lastIndex = this.pos;
    const word = NAME.exec(this.text);
    if (word !== null) {
      this.pos += word[0].length;
      if (word[0] === 'True') return { kind: 'bool', value: true };
      if (word[0] === 'False') return { kind: 'bool', value: false };
      if (word[0] === 'None') return { kind: 'none' };
      fail(this.text, this.pos - word[0].length, `unknown name '${word[0]}'`);
    }
    return fail(this.text, this.pos, `unexpected character ${JSON.stringify(ch)}`);
  }

  dict(depth: number): PythonLiteral {
    this.pos++; // '{'
    const entries = new Map<string, PythonLiteral>();
    while (!this.eat('}')) {
      const keyStart = this.pos;
      const key = this.value(depth + 1);
      if (key.kind !== 'str') fail(this.text, keyStart, 'dict key is not a string');
      if (!this.eat(':')) fail(this.text, this.pos, "expected ':'");
      // Later duplicates win, as in Python's literal_eval (which numpy uses).
      entries.set(key.value, this.value(depth + 1));
      if (!this.eat(',')) {
        if (!this.eat('}')) fail(this.text, this.pos, "expected ',' or '}'");
        break;
      }
    }
    return { kind: 'dict', entries };
  }

  /** Tuple or list; `(5)` is the integer 5 and `(5,)` a 1-tuple, as in Python. */
  sequence(depth: number, close: ')' | ']'): PythonLiteral {
    this.pos++; // '(' or '['
    const items: PythonLiteral[] = [];
    let sawComma = false;
    while (!this.eat(close)) {
      items.push(this.value(depth + 1));
      if (this.eat(',')) {
        sawComma = true;
        continue;
      }
      if (!this.eat(close)) fail(this.text, this.pos, `expected ',' or '${close}'`);
      break;
    }
    if (close === ']') return { kind: 'list', items };
    if (items.length === 1 && !sawComma) return items[0]!; // parenthesised expression
    return { kind: 'tuple', items };
  }

  integer(): PythonLiteral {
    INTEGER.lastIndex = this.pos;
    const m = INTEGER.exec(this.text);
    if (m === null) return fail(this.text, this.pos, 'malformed number');
    const start = this.pos;
    this.pos += m[0].length;
    // Python 2 wrote longs as "3L"; numpy still reads such headers (format.py _filter_header).
    if (this.text[this.pos] === 'L' || this.text[this.pos] === 'l') this.pos++;
    const next = this.text[this.pos];
    if (next !== undefined && /[\w.]/.test(next)) fail(this.text, start, 'only integers are allowed as numbers');
    const value = Number(m[0].replace(/\s+/g, ''));
    if (!Number.isSafeInteger(value)) fail(this.text, start, `integer ${m[0]} is too large`);
    return { kind: 'int', value };
  }

  string(): string {
    const quote = this.text[this.pos]!;
    const start = this.pos;
    this.pos++;
    let out = '';
    for (;;) {
      const ch = this.text[this.pos];
      if (ch === undefined || ch === '\n') return fail(this.text, start, 'unterminated string');
      this.pos++;
      if (ch === quote) return out;
      if (ch !== '\\') {
        out += ch;
        continue;
      }
      const esc = this.text[this.pos];
      if (esc === undefined) return fail(this.text, start, 'unterminated string');
      this.pos++;
      const simple: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', n: '\n', t: '\t', r: '\r', '0': '\0' };
      const hexLength = esc === 'x' ? 2 : esc === 'u' ? 4 : esc === 'U' ? 8 : 0;
      if (simple[esc] !== undefined) {
        out += simple[esc];
      } else if (hexLength > 0) {
        const hex = this.text.slice(this.pos, this.pos + hexLength);
        const code = /^[0-9a-fA-F]+$/.test(hex) && hex.length === hexLength ? parseInt(hex, 16) : NaN;
        if (!(code <= 0x10ffff)) fail(this.text, this.pos - 2, `bad escape \\${esc}${hex}`);
        out += String.fromCodePoint(code);
        this.pos += hexLength;
      } else {
        out += '\\' + esc; // Python keeps unknown escapes literally
      }
    }
  }
}

/**
 * Parses one Python literal (the text of an `.npy` header dict), allowing
 * surrounding whitespace, trailing commas and Python-2 `L` integer suffixes.
 * @throws PfeError INVALID_FORMAT naming the character position that failed.
 */
export function parsePythonLiteral(text: string): PythonLiteral {
  const parser = new LiteralParser(text);
  const value = parser.value(0);
  parser.skipSpace();
  if (parser.pos !== text.length) fail(text, parser.pos, 'trailing characters after the literal');
  return value;
}

/** Renders a parsed literal back in Python syntax, for error messages. */
export function formatPythonLiteral(v: PythonLiteral): string {
  switch (v.kind) {
    case 'str':
      return `'${v.value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
    case 'int':
      return String(v.value);
    case 'bool':
      return v.value ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'tuple':
      return v.items.length === 1 ? `(${formatPythonLiteral(v.items[0]!)},)` : `(${v.items.map(formatPythonLiteral).join(', ')})`;
    case 'list':
      return `[${v.items.map(formatPythonLiteral).join(', ')}]`;
    case 'dict':
      return `{${[...v.entries].map(([k, x]) => `'${k}': ${formatPythonLiteral(x)}`).join(', ')}}`;
  }
}
