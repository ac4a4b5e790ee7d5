import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from './api-error.js';
import type { AnalyzerBackend, AnalyzeResult } from './face-analysis.js';
import { InferencePool } from './inference-pool.js';

/** A backend that answers NO_FACE with the image's first byte in the reason, after `ms`. */
class FakeBackend implements AnalyzerBackend {
  calls: number[] = [];
  running = 0;
  maxRunning = 0;
  constructor(private readonly ms: number) {}
  async analyze(images: readonly Uint8Array[]): Promise<AnalyzeResult[]> {
    this.calls.push(images.length);
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    await new Promise((r) => setTimeout(r, this.ms));
    this.running--;
    return images.map((im) => ({ status: 'failed', code: 'NO_FACE', reason: String(im[0]) }));
  }
  async close(): Promise<void> {}
}

test('every image gets its own answer, batches respect batchSize, a backend runs one batch at a time', async () => {
  const backends = [new FakeBackend(5), new FakeBackend(5)];
  const pool = new InferencePool(backends, { maxQueue: 100, batchSize: 3 });
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => pool.analyze(new Uint8Array([i]))));
  results.forEach((r, i) => assert.equal(r.status === 'failed' && r.reason, String(i)));
  for (const b of backends) {
    assert.equal(b.maxRunning, 1);
    assert.ok(b.calls.every((n) => n >= 1 && n <= 3));
  }
  assert.equal(backends.reduce((s, b) => s + b.calls.reduce((a, n) => a + n, 0), 0), 20);
  assert.ok(backends.every((b) => b.calls.length > 0), 'both backends were used');
});

test('a full queue answers 503 SERVICE_BUSY with Retry-After at once, and the pool recovers', async () => {
  const pool = new InferencePool([new FakeBackend(30)], { maxQueue: 2, batchSize: 1 });
  const accepted = [pool.analyze(new Uint8Array([1])), pool.analyze(new Uint8Array([2])), pool.analyze(new Uint8Array([3]))];
  await assert.rejects(pool.analyze(new Uint8Array([4])), (e) => e instanceof ApiError && e.status === 503 && e.code === 'SERVICE_BUSY' && Number(e.headers['Retry-After']) >= 1);
  assert.equal(pool.stats().rejected, 1);
  await Promise.all(accepted);
  const after = await pool.analyze(new Uint8Array([5]));
  assert.equal(after.status === 'failed' && after.reason, '5');
  assert.ok(pool.stats().msPerImage >= 25);
  await pool.close();
  await assert.rejects(pool.analyze(new Uint8Array([6])), (e) => e instanceof ApiError && e.status === 503);
});

test('a broken backend is replaced and the pool keeps serving', async () => {
  class DyingBackend extends FakeBackend {
    broken = false;
    override async analyze(): Promise<AnalyzeResult[]> {
      this.broken = true;
      throw new Error('worker died');
    }
  }
  const dying = new DyingBackend(1);
  let replacements = 0;
  const pool = new InferencePool([dying], {
    maxQueue: 4,
    batchSize: 1,
    replace: async () => {
      replacements++;
      return new FakeBackend(1);
    },
  });
  await assert.rejects(pool.analyze(new Uint8Array([1])), /worker died/);
  const r = await pool.analyze(new Uint8Array([2]));
  assert.equal(r.status === 'failed' && r.reason, '2');
  assert.equal(replacements, 1);
  assert.equal(pool.stats().workers, 1);
});

test('checkCapacity refuses exactly when analyze would, and counts the refusal', async () => {
  const pool = new InferencePool([new FakeBackend(30)], { maxQueue: 1, batchSize: 1 });
  pool.checkCapacity();
  const accepted = [pool.analyze(new Uint8Array([1])), pool.analyze(new Uint8Array([2]))];
  assert.throws(() => pool.checkCapacity(), (e) => e instanceof ApiError && e.status === 503 && e.code === 'SERVICE_BUSY');
  assert.equal(pool.stats().rejected, 1);
  await Promise.all(accepted);
  pool.checkCapacity();
  await pool.close();
  assert.throws(() => pool.checkCapacity(), (e) => e instanceof ApiError && e.status === 503);
});
