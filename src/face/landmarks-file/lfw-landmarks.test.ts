import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PfeError } from '../../core/errors.js';
import { fixturePath, sharedDataDir } from '../../testing/paths.js';
import { loadLfwLandmarks, parseLfwLandmarks } from './lfw-landmarks.js';

function expectFormatError(text: string, messagePart: RegExp): void {
  assert.throws(
    () => parseLfwLandmarks(text, { source: 'lm.txt' }),
    (e: unknown) => e instanceof PfeError && e.code === 'INVALID_FORMAT' && messagePart.test(e.message),
  );
}

describe('parseLfwLandmarks', () => {
  const line = 'A/A_0001.jpg 100 150 125 105 140 110 115 140 160 162';

  it('splits x1..x5 then y1..y5 into points and applies the scale', () => {
    const at1 = parseLfwLandmarks(line, { scale: 1 }).get('A/A_0001.jpg')!;
    assert.deepEqual(at1.map((p) => [p.x, p.y]), [
      [100, 110],
      [150, 115],
      [125, 140],
      [105, 160],
      [140, 162],
    ]);
    const scaled = parseLfwLandmarks(line).get('A/A_0001.jpg')!;
    assert.ok(Math.abs(scaled[1].x - 90) < 1e-9 && Math.abs(scaled[4].y - 97.2) < 1e-9, 'default scale is 0.6');
  });

  it('skips blank lines and accepts CRLF', () => {
    const m = parseLfwLandmarks(`\r\n${line}\r\n\r\nB/B_0002.jpg 1 2 3 4 5 6 7 8 9 10\r\n`, { scale: 1 });
    assert.deepEqual([...m.keys()], ['A/A_0001.jpg', 'B/B_0002.jpg']);
    assert.equal(m.get('B/B_0002.jpg')![4].y, 10);
  });

  it('reports malformed lines with their line number', () => {
    expectFormatError(`${line}\nB/B_0001.jpg 1 2 3`, /lm\.txt:2: expected 11 fields.*got 4/);
    expectFormatError(`${line}\n\nB/B_0001.jpg 1 2 3 4 5 6 7 x 9 10`, /lm\.txt:3: field 9 \('x'\)/);
    expectFormatError(`B/B_0001.jpg 1 2 3 4 5 6 7 NaN 9 10`, /lm\.txt:1: field 9/);
    expectFormatError(`${line}\n${line}`, /lm\.txt:2: 'A\/A_0001\.jpg' appears a second time/);
    assert.throws(() => parseLfwLandmarks(line, { scale: 0 }), (e: unknown) => e instanceof PfeError && e.code === 'INVALID_ARGUMENT');
  });

  it('loads the fixture lines: 8 images, eyes above the mouth, inside the 150×150 frame', async () => {
    const m = await loadLfwLandmarks(fixturePath('lfw', 'ldmark_lfw_mtcnncaffe.txt'));
    assert.equal(m.size, 8);
    for (const [name, lm] of m) {
      assert.ok(existsSync(fixturePath('lfw', 'images', name)), `fixture image for ${name}`);
      for (const p of lm) assert.ok(p.x > 0 && p.x < 150 && p.y > 0 && p.y < 150, `${name} point ${p.x},${p.y}`);
      assert.ok(lm[0].x < lm[1].x && lm[3].x < lm[4].x, `${name}: left before right`);
      assert.ok(Math.max(lm[0].y, lm[1].y) < lm[2].y && lm[2].y < Math.min(lm[3].y, lm[4].y), `${name}: eyes, nose, mouth top to bottom`);
    }
  });

  it('reports IO_ERROR for a missing file', async () => {
    await assert.rejects(loadLfwLandmarks('/nonexistent/lm.txt'), (e: unknown) => e instanceof PfeError && e.code === 'IO_ERROR' && /nonexistent/.test(e.message));
  });

  it('parses the full shared file: one entry per line, 13,233 images', { skip: sharedDataDir() === undefined && 'no shared data' }, async () => {
    const file = path.join(sharedDataDir()!, 'lfw', 'ldmark_lfw_mtcnncaffe.txt');
    const m = await loadLfwLandmarks(file);
    assert.equal(m.size, 13233);
    assert.ok(m.has('Aaron_Eckhart/Aaron_Eckhart_0001.jpg'));
  });
});
