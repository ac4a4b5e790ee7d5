import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPfeError } from '../core/errors.js';
import { serveConfig } from '../cli/commands/serve.js';
import { UsageError } from '../cli/command.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { isLoopbackHost } from './config.js';
import { createServiceContext, resolveModelFiles } from './service-context.js';

test('a non-loopback address without an API key is refused before anything starts', async () => {
  const { config } = serveConfig(['--host', '0.0.0.0', '--no-head'], {});
  await assert.rejects(createServiceContext(config), (e) => isPfeError(e, 'INVALID_ARGUMENT') && /without an API key/.test(e.message));
});

test('a target FAR finer than the calibration can resolve is refused', async () => {
  const { config } = serveConfig(['--no-head', '--target-far', '1e-9'], {});
  await assert.rejects(createServiceContext(config), (e) => isPfeError(e, 'INVALID_ARGUMENT') && /cannot resolve/.test(e.message));
});

test('serve options: API key from the environment, short keys and conflicting options are refused', () => {
  const { config } = serveConfig(['--no-head', '--port', '0', '--workers', '1'], { PFE_API_KEY: 'k'.repeat(20) });
  assert.equal(config.apiKey, 'k'.repeat(20));
  assert.equal(config.maxQueue, 4);
  assert.equal(config.headFile, undefined);
  assert.throws(() => serveConfig(['--no-head'], { PFE_API_KEY: 'short' }), /at least 16/);
  assert.throws(() => serveConfig(['--head', 'x.pfehead', '--no-head'], {}), UsageError);
  assert.throws(() => serveConfig(['--fusion', 'max'], {}), UsageError);
  assert.equal(resolveModelFiles('/m/h.pfehead', undefined).calibrationFile, '/m/calibration-h.json');
});

test('loopback hosts', () => {
  for (const h of ['127.0.0.1', '127.1.2.3', '::1', 'localhost']) assert.equal(isLoopbackHost(h), true, h);
  for (const h of ['0.0.0.0', '::', '192.168.1.2', '128.0.0.1', '127.0.0.1.example.com']) assert.equal(isLoopbackHost(h), false, h);
});

test('the shipped head is used only with a calibration made for that very file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pfe-models-'));
  try {
    assert.equal(resolveModelFiles(undefined, undefined, dir, 'faceres').headFile, undefined, 'no head file');
    const head = path.join(dir, 'pfe-head-faceres.pfehead');
    writeFileSync(head, 'head bytes v1');
    const missing = resolveModelFiles(undefined, undefined, dir, 'faceres');
    assert.equal(missing.headFile, undefined);
    assert.match(missing.note!, /has no calibration/);
    const calibration = path.join(dir, 'calibration-pfe-head-faceres.json');
    const sha = createHash('sha256').update('head bytes v1').digest('hex');
    writeFileSync(calibration, JSON.stringify({ head: { file: 'pfe-head-faceres.pfehead', sha256: sha } }));
    assert.deepEqual(resolveModelFiles(undefined, undefined, dir, 'faceres'), { headFile: head, calibrationFile: calibration, note: undefined });
    writeFileSync(head, 'head bytes v2');
    const stale = resolveModelFiles(undefined, undefined, dir, 'faceres');
    assert.equal(stale.headFile, undefined);
    assert.match(stale.note!, /another version/);
    assert.equal(stale.calibrationFile, path.join(dir, 'calibration-faceres.json'));
    assert.equal(resolveModelFiles(false, undefined, dir, 'faceres').headFile, undefined, '--no-head');
    // Another backbone has its own shipped head and no-head calibration.
    const dlib = resolveModelFiles(undefined, undefined, dir, 'dlib');
    assert.equal(dlib.headFile, undefined);
    assert.equal(dlib.calibrationFile, path.join(dir, 'calibration-dlib.json'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
