import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { contentTypeOf, findStaticFile, resolveUnder } from './static-files.js';

describe('resolveUnder', () => {
  const root = path.resolve('/srv/site');
  it('maps URL paths into the root, / to index.html', () => {
    assert.equal(resolveUnder(root, '/'), path.join(root, 'index.html'));
    assert.equal(resolveUnder(root, '/models/faceres.json?x=1'), path.join(root, 'models', 'faceres.json'));
    assert.equal(resolveUnder(root, '/sub/'), path.join(root, 'sub', 'index.html'));
    assert.equal(resolveUnder(root, '/a%20b.jpg'), path.join(root, 'a b.jpg'));
  });
  it('refuses paths that leave the root', () => {
    assert.equal(resolveUnder(root, '/../etc/passwd'), undefined);
    assert.equal(resolveUnder(root, '/%2e%2e/%2e%2e/etc/passwd'), undefined);
    assert.equal(resolveUnder(root, '/..%2fsite-other/x'), undefined);
    assert.equal(resolveUnder(root, '/%2E%2E%2Fsite-other'), undefined);
  });
  it('refuses malformed %-escapes and NUL bytes instead of throwing', () => {
    assert.equal(resolveUnder(root, '/%zz'), undefined);
    assert.equal(resolveUnder(root, '/a%00.html'), undefined);
  });
  it('a relative root is taken from the working directory, not refused', () => {
    assert.equal(resolveUnder('web/dist', '/app.js'), path.resolve('web/dist', 'app.js'));
  });
});

describe('contentTypeOf', () => {
  it('names the demo file types, wasm as application/wasm', () => {
    assert.equal(contentTypeOf('/x/ort.wasm'), 'application/wasm');
    assert.equal(contentTypeOf('index.html'), 'text/html; charset=utf-8');
    assert.equal(contentTypeOf('a.WEBP'), 'image/webp');
    assert.equal(contentTypeOf('logo.svg'), 'image/svg+xml');
    assert.equal(contentTypeOf('faceres.bin'), 'application/octet-stream');
  });
});

describe('findStaticFile', () => {
  let dir: string;
  let root: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'pfe-static-'));
    root = path.join(dir, 'site');
    mkdirSync(path.join(root, 'sub'), { recursive: true });
    writeFileSync(path.join(root, 'index.html'), '<p>hi</p>');
    writeFileSync(path.join(dir, 'secret.txt'), 'outside');
    symlinkSync(path.join(dir, 'secret.txt'), path.join(root, 'link-out.txt'));
    symlinkSync(path.join(root, 'index.html'), path.join(root, 'link-in.html'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('finds regular files with their size', async () => {
    const found = await findStaticFile(root, '/');
    assert.equal(found.kind, 'file');
    assert.equal(found.kind === 'file' && found.size, '<p>hi</p>'.length);
  });
  it('follows a symlink that stays inside, refuses one that leaves', async () => {
    const inside = await findStaticFile(root, '/link-in.html');
    assert.deepEqual(inside.kind === 'file' && inside.file, realpathSync(path.join(root, 'index.html')));
    assert.equal((await findStaticFile(root, '/link-out.txt')).kind, 'outside');
    assert.equal((await findStaticFile(root, '/../secret.txt')).kind, 'outside');
  });
  it('reports missing files, folders and a missing root apart', async () => {
    assert.equal((await findStaticFile(root, '/nope.js')).kind, 'missing');
    assert.equal((await findStaticFile(root, '/sub')).kind, 'missing');
    assert.equal((await findStaticFile(root, '/index.html/x')).kind, 'missing');
    assert.equal((await findStaticFile(path.join(dir, 'not-built'), '/')).kind, 'no-root');
    assert.equal((await findStaticFile(path.join(dir, 'secret.txt'), '/')).kind, 'no-root');
  });
});
