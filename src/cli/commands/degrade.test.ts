import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { fixturePath } from '../../testing/paths.js';
import { decodeImage } from '../../face/image/decode.js';
import { degradeLevel } from '../../face/degrade/ladder.js';
import { UsageError } from '../command.js';
import degrade from './degrade.js';

/** The compiled CLI entry beside this compiled test (works from dist/ and build-*). */
const mainJs = fileURLToPath(new URL('../main.js', import.meta.url));

function runCli(args: string[]): { status: number | null; stderr: string; stdout: string } {
  const r = spawnSync(process.execPath, [mainJs, ...args], { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}

const FACE = fixturePath('lfw', 'images', 'Abdullah_Gul', 'Abdullah_Gul_0003.jpg');

describe('pfe degrade', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'pfe-degrade-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes a PNG equal to degradeLevel, byte-identical across runs with the same seed', async () => {
    const a = path.join(dir, 'a.png');
    const b = path.join(dir, 'b.png');
    const r = runCli(['degrade', FACE, '--out', a, '--spec', 'level:4', '--seed', '9']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /150×150.*level:4.*--seed 9/);
    assert.equal(runCli(['degrade', FACE, '-o', b, '-s', 'level:4', '--seed', '9']).status, 0);
    assert.deepEqual(readFileSync(a), readFileSync(b));
    const expected = await degradeLevel(await decodeImage(FACE), 4, 9);
    assert.deepEqual((await decodeImage(a)).data, expected.data);
    const c = path.join(dir, 'c.png');
    assert.equal(runCli(['degrade', FACE, '--out', c, '--spec', 'level:4', '--seed', '10']).status, 0);
    assert.notDeepEqual(readFileSync(a), readFileSync(c));
  });

  it('writes JPEG for a .jpg output', async () => {
    const out = path.join(dir, 'x.jpg');
    assert.equal(await degrade.run([FACE, '--out', out, '--spec', 'blur:2+jpeg:30', '--quality', '80']), 0);
    const meta = await sharp(out).metadata();
    assert.equal(meta.format, 'jpeg');
    assert.equal(meta.width, 150);
  });

  it('reports usage mistakes (exit 2) and bad images (exit 1) with their cause', () => {
    const out = path.join(dir, 'y.png');
    const usage = (args: string[], message: RegExp): void => {
      const r = runCli(['degrade', ...args]);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.match(r.stderr, /Usage: pfe degrade/);
    };
    usage([FACE, '--out', out], /--spec is required/);
    usage([FACE, '--spec', 'blur:1'], /--out is required/);
    usage([FACE, '--out', path.join(dir, 'y.gif'), '--spec', 'blur:1'], /must end in \.png, \.jpg or \.jpeg/);
    usage([FACE, '--out', out, '--spec', 'blur:1+wobble:3'], /step 2 \('wobble:3'\): unknown step/);
    usage([FACE, '--out', out, '--spec', 'blur:1', '--seed=-4'], /--seed must be within 0\.\.4294967295/);
    usage([FACE, '--out', out, '--spec', 'blur:1', '--quality', '50'], /--quality applies only/);
    usage(['--out', out, '--spec', 'blur:1'], /expected 1 argument <in>/);

    const text = path.join(dir, 'notes.txt');
    writeFileSync(text, 'not an image');
    const r = runCli(['degrade', text, '--out', out, '--spec', 'blur:1']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /error IMAGE_DECODE_FAILED: .*notes\.txt/);
    const missing = runCli(['degrade', path.join(dir, 'nope.jpg'), '--out', out, '--spec', 'blur:1']);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /error IO_ERROR: .*nope\.jpg/);
  });

  it('throws UsageError from run for a bad spec (so main prints the usage)', async () => {
    await assert.rejects(degrade.run([FACE, '--out', path.join(dir, 'z.png'), '--spec', 'jpeg:0']), (e: unknown) => e instanceof UsageError && /1\.\.100/.test(e.message));
  });

  it('is listed in pfe --help', () => {
    const r = runCli(['--help']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /degrade\s+write a blurred/);
  });
});
