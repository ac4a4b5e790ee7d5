import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { fixturePath } from '../../testing/paths.js';
import { fitLandmarkFile, imageFileSize, landmarkFitWarnings, readLandmarkFile } from './landmark-file.js';

const FIXTURE_LANDMARKS = fixturePath('lfw', 'ldmark_lfw_mtcnncaffe.txt');
const KEYS = ['Abdullah_Gul/Abdullah_Gul_0001.jpg', 'Adrien_Brody/Adrien_Brody_0001.jpg'];

describe('landmark files fitted to images of either LFW size', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pfe-landmark-file-'));
    // The 150-px fixtures enlarged to the 250-px size of the LFW originals.
    for (const key of KEYS) {
      await mkdir(path.join(dir, path.dirname(key)), { recursive: true });
      await sharp(fixturePath('lfw', 'images', key)).resize(250, 250, { kernel: 'lanczos3' }).jpeg({ quality: 95 }).toFile(path.join(dir, key));
    }
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads image sizes from headers', async () => {
    assert.deepEqual(await imageFileSize(fixturePath('lfw', 'images', KEYS[0]!)), { width: 150, height: 150 });
    assert.deepEqual(await imageFileSize(path.join(dir, KEYS[0]!)), { width: 250, height: 250 });
    assert.equal(await imageFileSize(path.join(dir, 'missing.jpg')), undefined);
  });

  it('auto: the same file fits both sizes, with no warning', async () => {
    const file = await readLandmarkFile(FIXTURE_LANDMARKS);
    assert.deepEqual(file.frame?.frame, { width: 250, height: 250 });
    const small = await fitLandmarkFile(file, KEYS.map((key) => ({ key, file: fixturePath('lfw', 'images', key) })), { kind: 'auto' });
    const big = await fitLandmarkFile(file, KEYS.map((key) => ({ key, file: path.join(dir, key) })), { kind: 'auto' });
    for (const key of KEYS) {
      const raw = file.points.get(key)!;
      for (let i = 0; i < 5; i++) {
        assert.ok(Math.abs(small.landmarks.get(key)![i]!.x - raw[i]!.x * 0.6) < 1e-9);
        assert.equal(big.landmarks.get(key)![i]!.y, raw[i]!.y);
      }
    }
    assert.deepEqual(landmarkFitWarnings(file, small.report, { kind: 'auto' }), []);
    assert.deepEqual(landmarkFitWarnings(file, big.report, { kind: 'auto' }), []);
  });

  it('warns when a given scale disagrees with the images, and names the right one', async () => {
    const file = await readLandmarkFile(FIXTURE_LANDMARKS);
    const choice = { kind: 'fixed', scale: 0.6 } as const;
    const big = await fitLandmarkFile(file, KEYS.map((key) => ({ key, file: path.join(dir, key) })), choice);
    assert.equal(big.report.mismatched.length, 2);
    const warnings = landmarkFitWarnings(file, big.report, choice);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /--landmark-scale 0\.6 disagrees with the images for 2 of 2 images .*250×250 frame.*calls for scale 1;/);
  });

  it('warns when points fall outside the image of a file with no known frame', async () => {
    const text = (await readLandmarkFile(FIXTURE_LANDMARKS)).points;
    const lines = KEYS.map((k) => {
      const p = text.get(k)!;
      return `${k} ${p.map((q) => q.x).join(' ')} ${p.map((q) => q.y).join(' ')}`;
    });
    const mine = path.join(dir, 'mine.txt');
    await writeFile(mine, lines.join('\n') + '\n');
    const file = await readLandmarkFile(mine);
    assert.equal(file.frame, undefined);
    const small = await fitLandmarkFile(file, KEYS.map((key) => ({ key, file: fixturePath('lfw', 'images', key) })), { kind: 'auto' });
    const warnings = landmarkFitWarnings(file, small.report, { kind: 'auto' });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /2 of 2 images have landmarks outside the image after scaling by 1 .*add a line '# frame: WxH'/);
    // stating the frame fixes it
    await writeFile(mine, `# frame: 250x250\n${lines.join('\n')}\n`);
    const stated = await readLandmarkFile(mine);
    const fitted = await fitLandmarkFile(stated, KEYS.map((key) => ({ key, file: fixturePath('lfw', 'images', key) })), { kind: 'auto' });
    assert.deepEqual(landmarkFitWarnings(stated, fitted.report, { kind: 'auto' }), []);
  });
});
