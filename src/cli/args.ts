import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './command.js';

/*
 * Shared argument helpers for `pfe` subcommands, built on node:util parseArgs.
 * Every mistake becomes a UsageError, which main.ts prints with the command's usage (exit 2).
 */

/** Option declarations in node:util parseArgs form, e.g. `{ out: { type: 'string', short: 'o' } }`. */
export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/** The parseArgs configuration used for every command: strict, positionals allowed. */
interface CommandArgsConfig<O extends OptionSpecs> {
  args: string[];
  options: O;
  strict: true;
  allowPositionals: true;
}

/** Typed result of parseCommandArgs: `values` typed from the option specs, plus `positionals`. */
export type ParsedCommandArgs<O extends OptionSpecs> = ReturnType<typeof parseArgs<CommandArgsConfig<O>>>;

/**
 * Parses a command's arguments strictly (unknown options, missing option values and
 * string/boolean misuse are errors). Declare `options` with `as const` to get typed values.
 * @throws UsageError with node's explanation of what was wrong.
 */
export function parseCommandArgs<const O extends OptionSpecs>(argv: readonly string[], options: O): ParsedCommandArgs<O> {
  try {
    return parseArgs<CommandArgsConfig<O>>({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (e) {
    // parseArgs reports user mistakes as TypeError with a code ERR_PARSE_ARGS_*.
    if (e instanceof TypeError && String((e as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS')) {
      throw new UsageError(e.message);
    }
    throw e;
  }
}

/**
 * Checks the positional arguments are exactly the named ones and returns them in order.
 * @param names what each positional means, e.g. ['A', 'B'], used in the message.
 * @throws UsageError naming the expected arguments and what was given.
 */
export function expectPositionals(positionals: readonly string[], names: readonly string[]): string[] {
  if (positionals.length !== names.length) {
    const expected = names.map((n) => `<${n}>`).join(' ');
    const given = positionals.length === 0 ? 'none' : positionals.map((p) => `'${p}'`).join(' ');
    throw new UsageError(`expected ${names.length} argument${names.length === 1 ? '' : 's'} ${expected}, got ${positionals.length}: ${given}`);
  }
  return [...positionals];
}

/**
 * Returns a required string option.
 * @throws UsageError "--name is required" when absent or empty.
 */
export function requireOption(value: string | undefined, name: string): string {
  if (value === undefined || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

/**
 * Returns `value` when it is one of `choices`, `fallback` when absent.
 * @throws UsageError listing the valid choices.
 */
export function choiceOption<T extends string>(value: string | undefined, name: string, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value)) {
    throw new UsageError(`--${name} must be one of ${choices.join(', ')}; got '${value}'`);
  }
  return value as T;
}

/**
 * Parses a decimal integer option within [min, max]; `fallback` when absent.
 * @throws UsageError when the text is not an integer or is out of range.
 */
export function integerOption(value: string | undefined, name: string, range: { min?: number; max?: number }, fallback: number): number {
  if (value === undefined) return fallback;
  const n = /^[-+]?\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n)) throw new UsageError(`--${name} must be an integer; got '${value}'`);
  checkRange(n, name, range);
  return n;
}

/**
 * Parses a finite decimal number option within [min, max]; `fallback` when absent.
 * @throws UsageError when the text is not a finite number or is out of range.
 */
export function numberOption(value: string | undefined, name: string, range: { min?: number; max?: number }, fallback: number): number {
  if (value === undefined) return fallback;
  // Number('') is 0 and Number('0x10') is 16; accept only plain decimal/scientific notation.
  const n = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number; got '${value}'`);
  checkRange(n, name, range);
  return n;
}

function checkRange(n: number, name: string, range: { min?: number; max?: number }): void {
  if ((range.min !== undefined && n < range.min) || (range.max !== undefined && n > range.max)) {
    const bounds = `${range.min ?? '-∞'}..${range.max ?? '∞'}`;
    throw new UsageError(`--${name} must be within ${bounds}; got ${n}`);
  }
}
