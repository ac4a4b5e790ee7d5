import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { BROWSER_SWAPS, REPO_ROOT } from './build-web.js';

/** Names a TypeScript module exports at top level (functions, classes, consts, types, interfaces). */
async function exportedNames(file: string): Promise<Set<string>> {
  const text = await readFile(file, 'utf8');
  const names = new Set<string>();
  for (const m of text.matchAll(/^export (?:async )?(?:function|class|const|let|type|interface) (\w+)/gm)) names.add(m[1]!);
  return names;
}

describe('browser swaps', () => {
  it('every swapped module has a counterpart exporting at least the names the original exports', async () => {
    assert.ok(Object.keys(BROWSER_SWAPS).length >= 5);
    for (const [from, to] of Object.entries(BROWSER_SWAPS)) {
      const original = await exportedNames(path.join(REPO_ROOT, 'src', from));
      const counterpart = await exportedNames(path.join(REPO_ROOT, 'src', to));
      assert.ok(original.size > 0, `${from} exports nothing?`);
      const missing = [...original].filter((n) => !counterpart.has(n));
      assert.deepEqual(missing, [], `${to} lacks ${missing.join(', ')} of ${from}`);
    }
  });
});

describe('the demo page source', () => {
  it('declares an empty favicon that its CSP allows, so the browser logs no /favicon.ico 404', async () => {
    const html = await readFile(path.join(REPO_ROOT, 'web', 'index.html'), 'utf8');
    assert.match(html, /<link rel="icon" href="data:,">/);
    const { DEMO_CSP } = await import('../service/demo-routes.js');
    assert.match(DEMO_CSP, /img-src [^;]*data:/, 'a data: icon must pass the page CSP, else it is a CSP console error instead');
  });
});
