/**
 * A test reporter for people (`npm test`): one line per test file with its counts, every
 * failure in full (the test's path, the error with its stack, the file's stderr), and at the
 * end node's own totals followed by one line `N passed, N failed, N skipped`, which CI reads.
 * TAP stays available for machines (`npm run test:tap`).
 *
 * Used as `node --test --test-reporter=./dist/testing/summary-reporter.js
 * --test-reporter-destination=stdout dist/`; the exit code is node's (non-zero on failure).
 */
import path from 'node:path';
import { inspect } from 'node:util';

/** The fields of a test runner event this reporter reads (node:test reporter stream, Node 20+). */
interface TestEventData {
  readonly name?: string;
  readonly nesting?: number;
  readonly file?: string;
  readonly skip?: string | boolean;
  readonly todo?: string | boolean;
  readonly message?: string;
  readonly details?: {
    readonly type?: 'suite' | 'test';
    readonly duration_ms?: number;
    readonly error?: { readonly failureType?: string; readonly cause?: unknown; readonly message?: string };
  };
}

/** One event of the test runner's reporter stream. */
export interface TestEvent {
  readonly type: string;
  readonly data: TestEventData;
}

/** Counts of one file or of the whole run. */
interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

/** Lines of a failed file's stderr shown with its failures (the tail, where the error is). */
const STDERR_LINES_SHOWN = 40;

function relative(file: string | undefined): string {
  return file === undefined ? '(unknown file)' : path.relative(process.cwd(), file) || file;
}

/** The error of a failure as text: the cause's stack (with an assertion's diff) or an inspection. */
export function errorText(error: NonNullable<NonNullable<TestEventData['details']>['error']> | undefined): string {
  if (error === undefined) return '(no error reported)';
  const cause = error.cause;
  // The runner's own frames say nothing about the test; keep the test's.
  if (cause instanceof Error) return (cause.stack ?? `${cause.name}: ${cause.message}`).split('\n').filter((l) => !/\(node:|at node:/.test(l)).join('\n');
  if (typeof cause === 'string') return cause;
  if (cause !== undefined) return inspect(cause, { depth: 4 });
  return error.message ?? inspect(error, { depth: 2 });
}

function indent(text: string, prefix = '    '): string {
  return text
    .split('\n')
    .map((l) => (l === '' ? l : prefix + l))
    .join('\n');
}

/**
 * The reporter: consumes the runner's events and yields text. Exported as the default export,
 * as node:test expects of a custom reporter.
 */
export default async function* summaryReporter(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  const total: Counts = { passed: 0, failed: 0, skipped: 0 };
  const perFile = new Map<string, Counts>();
  const stacks = new Map<string, string[]>();
  const stderr = new Map<string, string[]>();
  const failures: string[] = [];
  const totals: string[] = [];
  const done = new Set<string>();
  /** The file's line, once, with its stderr when it had failures. */
  const fileDone = function* (file: string): Generator<string> {
    if (done.has(file)) return;
    done.add(file);
    const c = perFile.get(file) ?? { passed: 0, failed: 0, skipped: 0 };
    const err = stderr.get(file);
    if (c.failed > 0 && err !== undefined && err.length > 0) yield `  stderr of ${relative(file)} (last lines):\n${indent(err.join('').trimEnd())}\n`;
    yield fileLine(file, c);
  };
  const countsOf = (file: string): Counts => {
    let c = perFile.get(file);
    if (c === undefined) perFile.set(file, (c = { passed: 0, failed: 0, skipped: 0 }));
    return c;
  };
  for await (const event of source) {
    const d = event.data;
    const file = d.file ?? '';
    switch (event.type) {
      case 'test:start': {
        const stack = stacks.get(file) ?? [];
        stack.length = d.nesting ?? 0;
        stack.push(d.name ?? '');
        stacks.set(file, stack);
        break;
      }
      case 'test:stderr': {
        const lines = stderr.get(file) ?? [];
        lines.push(d.message ?? '');
        stderr.set(file, lines.slice(-STDERR_LINES_SHOWN));
        break;
      }
      case 'test:pass':
      case 'test:fail': {
        const isFileNode = d.nesting === 0 && d.file !== undefined && d.name === d.file;
        const failureType = d.details?.error?.failureType;
        // A suite (or a file) fails when a test in it fails; that test is reported already.
        const onlyChildren = failureType === 'subtestsFailed';
        if (d.details?.type === 'suite' || isFileNode) {
          if (event.type === 'test:fail' && !onlyChildren) {
            // A file that crashed counts as one failed test (as node counts it); a suite whose
            // hook failed does not (its tests are counted as cancelled), but is shown in full.
            if (isFileNode) {
              countsOf(file).failed++;
              total.failed++;
            }
            yield* failureBlock(d, stacks.get(file), failures);
          }
          if (isFileNode) yield* fileDone(file);
          break;
        }
        const c = countsOf(file);
        if (event.type === 'test:fail') {
          c.failed++;
          total.failed++;
          yield* failureBlock(d, stacks.get(file), failures);
        } else if (d.skip !== undefined || d.todo !== undefined) {
          c.skipped++;
          total.skipped++;
        } else {
          c.passed++;
          total.passed++;
        }
        break;
      }
      case 'test:complete': {
        // A file's own node completes after its tests; when they ran, node sends no pass/fail for it.
        const failureType = d.details?.error?.failureType;
        if (d.nesting === 0 && d.file !== undefined && d.name === d.file && (failureType === undefined || failureType === 'subtestsFailed')) yield* fileDone(file);
        break;
      }
      case 'test:diagnostic':
        if ((d.nesting ?? 0) === 0 && d.file === undefined && d.message !== undefined) totals.push(d.message);
        break;
      default:
        break;
    }
  }
  if (failures.length > 0) {
    yield `\nFailed (${failures.length}):\n`;
    for (const f of failures) yield `  ✗ ${f}\n`;
  }
  yield '\n';
  for (const line of totals) yield `# ${line}\n`;
  yield `${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped\n`;
}

function fileLine(file: string, c: Counts): string {
  const parts = [`${c.passed} passed`, ...(c.failed > 0 ? [`${c.failed} failed`] : []), ...(c.skipped > 0 ? [`${c.skipped} skipped`] : [])];
  return `${c.failed > 0 ? '✗' : '✓'} ${relative(file)}: ${parts.join(', ')}\n`;
}

function* failureBlock(d: TestEventData, stack: readonly string[] | undefined, failures: string[]): Generator<string> {
  const nesting = d.nesting ?? 0;
  const names = [...(stack ?? []).slice(0, nesting), d.name ?? ''];
  const title = d.name === d.file ? relative(d.file) : `${relative(d.file)} › ${names.join(' › ')}`;
  failures.push(title);
  yield `\n✗ FAIL ${title}\n${indent(errorText(d.details?.error))}\n\n`;
}
