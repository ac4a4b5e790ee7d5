import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const reporter = fileURLToPath(new URL('./summary-reporter.js', import.meta.url));

function runTests(dir: string, files: string[]): { status: number | null; stdout: string } {
  // Without NODE_TEST_CONTEXT: set in a test process, it makes a nested runner talk to this one instead of reporting.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_TEST_CONTEXT'));
  const r = spawnSync(process.execPath, ['--test', `--test-reporter=${reporter}`, '--test-reporter-destination=stdout', ...files], { cwd: dir, encoding: 'utf8', env });
  return { status: r.status, stdout: r.stdout };
}

describe('summary test reporter', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'pfe-reporter-'));
    writeFileSync(
      path.join(dir, 'mixed.test.mjs'),
      `import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
describe('outer', () => {
  it('passes', () => {});
  it('passes too', () => {});
  it('is skipped', { skip: 'no data' }, () => {});
  describe('inner', () => { it('compares', () => { assert.equal(41 + 1, 43); }); });
});
it('writes to stderr', () => { console.error('a line on stderr'); });
`,
    );
    writeFileSync(path.join(dir, 'crash.test.mjs'), `throw new Error('cannot even load');\n`);
    writeFileSync(path.join(dir, 'green.test.mjs'), `import { it } from 'node:test';\nit('a', () => {});\nit('b', () => {});\n`);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('shows failures in full, counts the rest, and ends with a line CI reads; exit non-zero', () => {
    const r = runTests(dir, ['mixed.test.mjs', 'crash.test.mjs', 'green.test.mjs']);
    assert.notEqual(r.status, 0);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.at(-1), '5 passed, 2 failed, 1 skipped');
    // node's own closing totals are kept just above it
    assert.ok(lines.includes('# pass 5') && lines.includes('# fail 2'), r.stdout);
    // the failed assertion in full, with the test's path and its diff
    assert.match(r.stdout, /✗ FAIL mixed\.test\.mjs › outer › inner › compares\n\s+AssertionError \[ERR_ASSERTION\]: Expected values to be strictly equal:\n\n\s+42 !== 43/);
    // a file that cannot load: its stderr says why
    assert.match(r.stdout, /✗ FAIL crash\.test\.mjs\n[\s\S]*Error: cannot even load/);
    assert.match(r.stdout, /^✓ green\.test\.mjs: 2 passed$/m);
    assert.match(r.stdout, /^✗ mixed\.test\.mjs: 3 passed, 1 failed, 1 skipped$/m);
    // passes are counted, not listed
    assert.doesNotMatch(r.stdout, /passes too/);
    assert.ok(lines.length < 60, `short output, got ${lines.length} lines`);
  });

  it('exits 0 on a green run and still ends with the count line', () => {
    const r = runTests(dir, ['green.test.mjs']);
    assert.equal(r.status, 0, r.stdout);
    assert.equal(r.stdout.trimEnd().split('\n').at(-1), '2 passed, 0 failed, 0 skipped');
  });
});
