import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createProgress, formatDuration } from './progress.js';

function fakeStream(isTTY: boolean): { written: string[]; write(s: string): void; isTTY: boolean } {
  const written: string[] = [];
  return { written, write: (s: string) => void written.push(s), isTTY };
}

describe('progress', () => {
  it('shows count, rate and ETA on a terminal', () => {
    let t = 0;
    const s = fakeStream(true);
    const p = createProgress('embed', 100, s, { now: () => t, intervalMs: 0 });
    t = 2000;
    p.tick(10); // 10 items in 2 s: 5/s, 90 left: 18 s
    assert.match(s.written.at(-1)!, /embed 10\/100 \(10\.0%\) 5\.0\/s ETA 18s/);
    p.done();
    assert.equal(s.written.at(-1), '\n');
  });
  it('throttles redraws', () => {
    let t = 0;
    const s = fakeStream(true);
    const p = createProgress('x', 10, s, { now: () => t, intervalMs: 1000 });
    p.tick();
    p.tick();
    t = 500;
    p.tick();
    assert.equal(s.written.length, 1);
  });
  it('writes whole lines to a pipe, at most once per log interval, and a final one', () => {
    const s = fakeStream(false);
    let t = 0;
    const p = createProgress('x', 10, s, { logIntervalMs: 1000, now: () => t });
    p.tick(2);
    t = 500;
    p.tick(1);
    assert.equal(s.written.length, 0, 'nothing before the first interval');
    t = 1000;
    p.tick(1);
    t = 1500;
    p.tick(1);
    assert.deepEqual(s.written, ['x 4/10 (40.0%) 4.0/s ETA 2s\n']);
    p.done();
    assert.equal(s.written.length, 2);
    assert.ok(s.written[1]!.startsWith('x 5/10 (50.0%)') && s.written[1]!.endsWith('\n') && !s.written[1]!.includes('\r'));
  });
  it('formats durations', () => {
    assert.equal(formatDuration(42), '42s');
    assert.equal(formatDuration(185), '3m05s');
    assert.equal(formatDuration(3720), '1h02m');
    assert.equal(formatDuration(Infinity), '?');
  });
});
