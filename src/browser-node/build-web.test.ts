import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { BROWSER_CONDITION, REPO_ROOT } from './build-web.js';

/** Names a TypeScript module exports at top level (functions, classes, consts, types, interfaces). */
async function exportedNames(file: string): Promise<Set<string>> {
  const text = await readFile(file, 'utf8');
  const names = new Set<string>();
  for (const m of text.matchAll(/^export (?:async )?(?:function|class|const|let|type|interface) (\w+)/gm)) names.add(m[1]!);
  return names;
}

/** The package's `#platform/*` imports: specifier → its targets per condition. */
async function platformImports(): Promise<[string, Record<string, string>][]> {
  const pkg = JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { imports?: Record<string, Record<string, string>> };
  return Object.entries(pkg.imports ?? {}).filter(([specifier]) => specifier.startsWith('#platform/'));
}

describe('the Node / browser seam (package.json imports)', () => {
  it('every #platform module has a browser counterpart exporting at least the names the Node module exports', async () => {
    const entries = await platformImports();
    assert.ok(entries.length >= 5);
    for (const [specifier, targets] of entries) {
      const browser = targets[BROWSER_CONDITION];
      const node = targets['default'];
      assert.ok(browser !== undefined && node !== undefined, `${specifier} needs a '${BROWSER_CONDITION}' and a 'default' target`);
      // The Node target is the compiled file in dist/; its source is the .ts under src/.
      const nodeSource = node.replace(/^\.\/dist\//, './src/').replace(/\.js$/, '.ts');
      const original = await exportedNames(path.join(REPO_ROOT, nodeSource));
      const counterpart = await exportedNames(path.join(REPO_ROOT, browser));
      assert.ok(original.size > 0, `${nodeSource} exports nothing?`);
      const missing = [...original].filter((n) => !counterpart.has(n));
      assert.deepEqual(missing, [], `${browser} lacks ${missing.join(', ')} of ${nodeSource}`);
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
