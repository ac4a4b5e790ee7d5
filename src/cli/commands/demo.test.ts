import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const mainJs = fileURLToPath(new URL('../main.js', import.meta.url));

describe('pfe demo', () => {
  it('runs end to end, prints the three sections, and is reproducible for a seed', () => {
    const run = (): string => {
      const r = spawnSync(process.execPath, [mainJs, 'demo', '--seed', '3', '--dim', '32'], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout;
    };
    const first = run();
    // Real faces through the whole chain: the degraded copy is less confident than the clean photo.
    const row = first.split('\n').find((l) => l.includes('Abdullah Gul 1 vs Abdullah Gul 2 (poor)'));
    assert.ok(row !== undefined, first);
    const [clean, poor] = row.split(/\s+/).filter((t) => /e-\d+$/.test(t)).map(Number) as [number, number];
    assert.ok(poor > 1.5 * clean, `confidence of the poor copy ${poor} should be well above the clean photo's ${clean}`);
    assert.match(first, /1\. Blurry-image dilemma/);
    assert.match(first, /2\. Verification on mixed-quality images: 2400 genuine/);
    assert.match(first, /PFE min \(reference\) \+ MLS\s+\d+\.\d%/);
    assert.equal(run(), first);
  });
});
