/**
 * Readiness and start-up refusals: models load at start (a missing model is a failed
 * start with a clear message), /v1/health (liveness) and /v1/ready are separate, and a
 * second process on the same SQLite data folder is refused.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { isPfeError } from '../core/errors.js';
import { defaultConfig, type ServiceConfig } from './config.js';
import { isGalleryError } from './gallery-errors.js';
import { SqliteGalleryStore } from './sqlite-gallery-store.js';
import { startService } from './server.js';
import { resolveModelFiles } from './service-context.js';

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'cli', 'main.js');

function config(dataDir: string, extra: Partial<ServiceConfig> = {}): ServiceConfig {
  const models = resolveModelFiles(false, undefined);
  return { ...defaultConfig(), port: 0, dataDir, headFile: models.headFile, calibrationFile: models.calibrationFile, workers: 1, maxQueue: 2, batchSize: 1, ...extra };
}

test('a missing face model is a failed start naming the model, not a 500 on every request', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pfe-ready-'));
  const emptyModels = mkdtempSync(path.join(tmpdir(), 'pfe-no-models-'));
  try {
    await assert.rejects(startService(config(dataDir, { modelsDir: emptyModels })), (e) => {
      assert.ok(isPfeError(e, 'MODEL_LOAD_FAILED'), String(e));
      assert.match(e.message, /could not be loaded, so the service does not start/);
      assert.ok(e.message.includes(emptyModels), e.message);
      return true;
    });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(emptyModels, { recursive: true, force: true });
  }
});

test('/v1/health is liveness; /v1/ready checks models, database and index', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pfe-ready-'));
  const service = await startService(config(dataDir));
  try {
    const health = await fetch(`${service.url}/v1/health`);
    assert.equal(health.status, 200);
    const ready = await fetch(`${service.url}/v1/ready`);
    const body = (await ready.json()) as { status: string; checks: Record<string, { ok: boolean }> };
    assert.equal(ready.status, 200, JSON.stringify(body));
    assert.deepEqual(Object.fromEntries(Object.entries(body.checks).map(([k, c]) => [k, c.ok])), { models: true, database: true, index: true });
    // The database goes away under the service: still alive, no longer ready.
    await service.context.store.close();
    assert.equal((await fetch(`${service.url}/v1/health`)).status, 200);
    const notReady = await fetch(`${service.url}/v1/ready`);
    const nb = (await notReady.json()) as { checks: { database: { ok: boolean } }; error: { code: string } };
    assert.equal(notReady.status, 503);
    assert.equal(nb.checks.database.ok, false);
    assert.equal(nb.error.code, 'NOT_READY');
  } finally {
    await service.close().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a second process on the same SQLite data folder is refused with a clear message', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pfe-lock-'));
  const first = SqliteGalleryStore.open(dataDir, { dim: 1024, head: 'none' });
  try {
    // In this process too: a second open of the folder is refused.
    assert.throws(() => SqliteGalleryStore.open(dataDir, { dim: 1024, head: 'none' }), (e) => isGalleryError(e, 'STORE_REFUSED') && /in use by another process/.test(e.message));
    const child = spawn(process.execPath, [MAIN, 'serve', '--port', '0', '--no-head', '--workers', '1', '--data', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.notEqual(code, 0);
    assert.match(err, /error IO_ERROR: the data folder .* is in use by another process/);
  } finally {
    await first.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
