import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventLoopDelayMonitor } from './event-loop-delay.js';

/** Keeps the event loop busy for `ms` (what a long synchronous task does). */
function block(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy
  }
}

const tick = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('a blocked event loop shows in the current window, then in the completed one', async () => {
  const monitor = new EventLoopDelayMonitor(1000);
  try {
    await tick(50);
    block(120);
    await tick(50);
    const current = monitor.summary();
    // The sampling timer fired up to 120 ms late (less its 10 ms period and scheduling slack).
    assert.ok(current.maxMs >= 60, `max ${current.maxMs} ms`);
    assert.ok(current.p50Ms <= current.p99Ms && current.p99Ms <= current.maxMs, JSON.stringify(current));
    assert.ok(current.windowSeconds > 0.1 && current.windowSeconds < 1, JSON.stringify(current));
    // After the window rotates, the summary is the completed window's, a whole window long.
    await tick(1000);
    const completed = monitor.summary();
    assert.ok(completed.maxMs >= 60 && completed.windowSeconds >= 0.9, JSON.stringify(completed));
  } finally {
    monitor.stop();
  }
});
