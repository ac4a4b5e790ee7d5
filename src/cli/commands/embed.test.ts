import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BACKBONE_DESCRIPTIONS, DEFAULT_BACKBONE } from '../../face/backbone/names.js';
import { PIPELINE_VERSION } from '../../face/pipeline/embed-cache.js';
import { readMatrixNpyFile } from '../../io/npy-file.js';
import { fixturePath } from '../../testing/paths.js';
import sharp from 'sharp';

const mainJs = fileURLToPath(new URL('../main.js', import.meta.url));
/** Lowest same-person cosine expected of the default backbone on the Adrien_Brody fixtures (different people: below ~0.5 on these fixtures). */
const SAME_PERSON_MIN_COSINE = 0.55;

interface Index {
  backbone: string;
  pipelineVersion: number;
  count: number;
  dim: number;
  images: { path: string; status: string; row?: number; code?: string; landmarkSource?: string }[];
}

describe('pfe embed', () => {
  it('embeds a folder with file landmarks, records a bad file, and exits 1', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pfe-embed-cli-'));
    try {
      const bad = path.join(dir, 'broken.png');
      await writeFile(bad, 'definitely not a PNG');
      const out = path.join(dir, 'out');
      const r = spawnSync(
        process.execPath,
        [mainJs, 'embed', fixturePath('lfw', 'images', 'Adrien_Brody'), bad, '--out', out, '--landmarks', fixturePath('lfw', 'ldmark_lfw_mtcnncaffe.txt'), '--workers', '0', '--no-cache'],
        { encoding: 'utf8' },
      );
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /3\/4 images embedded \(3 with file landmarks\)/);
      assert.match(r.stderr, /IMAGE_DECODE_FAILED ×1/);
      const index = JSON.parse(await readFile(path.join(out, 'index.json'), 'utf8')) as Index;
      assert.equal(index.backbone, DEFAULT_BACKBONE);
      assert.equal(index.pipelineVersion, PIPELINE_VERSION);
      assert.equal(index.count, 3);
      assert.deepEqual(index.images.map((e) => e.status), ['ok', 'ok', 'ok', 'failed']);
      assert.deepEqual(index.images.map((e) => e.row), [0, 1, 2, undefined]);
      assert.equal(index.images[3]!.code, 'IMAGE_DECODE_FAILED');
      assert.ok(index.images.slice(0, 3).every((e) => e.landmarkSource === 'given'));
      const d = BACKBONE_DESCRIPTIONS[DEFAULT_BACKBONE].dim;
      const mu = await readMatrixNpyFile(path.join(out, 'mu.npy'));
      assert.deepEqual([mu.rows, mu.cols], [3, d]);
      const pooled = await readMatrixNpyFile(path.join(out, 'pooled_global.npy'));
      const grid = await readMatrixNpyFile(path.join(out, 'pooled_grid2x2.npy'));
      assert.deepEqual([grid.rows, grid.cols], [3, 4 * pooled.cols]);
      // Same person: cosines well above the different-person level of these fixtures.
      for (let a = 0; a < 3; a++) {
        for (let b = a + 1; b < 3; b++) {
          let s = 0;
          for (let l = 0; l < d; l++) s += mu.data[a * d + l]! * mu.data[b * d + l]!;
          assert.ok(s > SAME_PERSON_MIN_COSINE, `cosine(${a}, ${b}) = ${s}`);
        }
      }
      const py = spawnSync('python3', ['-c', `import numpy as np; m = np.load(${JSON.stringify(path.join(out, 'mu.npy'))}); print(m.shape, m.dtype)`], { encoding: 'utf8' });
      if (py.status === 0) assert.equal(py.stdout.trim(), `(3, ${d}) float32`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names the choices for an unknown --backbone', () => {
    const r = spawnSync(process.execPath, [mainJs, 'embed', fixturePath('lfw', 'images'), '--out', path.join(tmpdir(), 'never'), '--backbone', 'resnet100'], { encoding: 'utf8' });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /unknown backbone 'resnet100' \(choose one of dlib, faceres/);
  });

  it('gives a hint when the detector finds no face, and warns about landmarks that miss the photo', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pfe-embed-noface-'));
    try {
      // A plain sky-blue picture: no face for the detector.
      const blank = path.join(dir, 'sky.png');
      await sharp({ create: { width: 160, height: 160, channels: 3, background: { r: 120, g: 160, b: 200 } } }).png().toFile(blank);
      // A landmark file of our own without a frame line, in the 250-px frame, for a 150-px photo.
      const photo = fixturePath('lfw', 'images', 'AJ_Cook', 'AJ_Cook_0001.jpg');
      const raw = (await readFile(fixturePath('lfw', 'ldmark_lfw_mtcnncaffe.txt'), 'utf8')).split('\n').find((l) => l.startsWith('AJ_Cook/'))!;
      const mine = path.join(dir, 'mine.txt');
      await writeFile(mine, raw + '\n');
      const r = spawnSync(process.execPath, [mainJs, 'embed', blank, photo, '--out', path.join(dir, 'out'), '--landmarks', mine, '--workers', '0', '--no-cache'], { encoding: 'utf8' });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /NO_FACE: the detector found no face; use photos where one face is clearly visible and roughly frontal, or give its 5 landmarks with --landmarks/);
      assert.match(r.stderr, /warning: 1 of 1 images have landmarks outside the image after scaling by 1 \(AJ_Cook\/AJ_Cook_0001\.jpg\); .*mine\.txt does not state its frame: add a line '# frame: WxH'/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects a bad --degrade spec as a usage error', () => {
    const r = spawnSync(process.execPath, [mainJs, 'embed', fixturePath('lfw', 'images'), '--out', path.join(tmpdir(), 'never'), '--degrade', 'blurry:2'], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--degrade: .*unknown step 'blurry'/);
  });
});
