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
    // Verdicts at the calibrated operating point, with wrong ones marked, and the two explanations.
    assert.match(first, /Verdicts at FAR 1e-3 \(the service's default; threshold cosine \d\.\d{3}, MLS \d+\)/);
    assert.match(first, /^σ² = the head's variance of each of the \d+ embedding dimensions/m);
    assert.match(first, /^MLS = log-likelihood \(nats\)[^\n]*\n[^\n]*large positive scores are normal/m);
    const rows = new Map(
      first
        .split('\n')
        .map((l) => /^ {3}(.+?)\s{2,}(yes|no)\s+(-?\d\.\d{3})\s+(same|diff)( ✗)?\s+(-?\d+)\s+(same|diff)( ✗)?\s/.exec(l))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => [m[1]!, { same: m[2] === 'yes', cosine: m[4] === 'same', cosineWrong: m[5] !== undefined, mls: Number(m[6]), mlsSays: m[7] === 'same', mlsWrong: m[8] !== undefined }]),
    );
    assert.equal(rows.size, 5, first);
    for (const [label, r] of rows) {
      assert.equal(r.cosineWrong, r.cosine !== r.same, `${label}: ✗ marks exactly the wrong cosine verdicts`);
      assert.equal(r.mlsWrong, r.mlsSays !== r.same, `${label}: ✗ marks exactly the wrong MLS verdicts`);
    }
    // The findings agree with the table: the ordering of the two poor pairs is told as it is.
    const poorGenuine = rows.get('Abdullah Gul 1 vs Abdullah Gul 2 (poor)')!;
    const poorImpostor = rows.get('Abdullah Gul 2 (poor) vs Adrien Brody 1 (poor)')!;
    if (poorImpostor.mls > poorGenuine.mls) assert.match(first, /Where MLS does not help here: it scores the poor impostor pair \(\d+\) above the poor genuine pair/);
    else assert.match(first, /MLS scores the poor genuine pair \(\d+\) above the poor impostor pair/);
    assert.match(first, new RegExp(`cosine ${poorImpostor.cosine ? 'accepts' : 'refuses'} the poor impostor pair and MLS ${poorImpostor.mlsSays ? 'accepts' : 'refuses'} it`));
    assert.match(first, /1\. Blurry-image dilemma/);
    assert.match(first, /2\. Verification on mixed-quality images: 2400 genuine/);
    assert.match(first, /PFE min \(reference\) \+ MLS\s+\d+\.\d%/);
    assert.equal(run(), first);
  });
});
