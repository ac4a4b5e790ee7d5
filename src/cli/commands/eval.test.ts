import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import sharp from 'sharp';
import { fixturePath } from '../../testing/paths.js';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeNpyFile } from '../../io/npy-file.js';
import { saveHeadFile } from '../../head/model-file.js';
import { headWeightShapes, HEAD_WEIGHT_NAMES, type HeadArchitecture, type HeadWeights } from '../../head/head-model.js';

const mainJs = fileURLToPath(new URL('../main.js', import.meta.url));

function runCli(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [mainJs, ...args], { encoding: 'utf8', cwd });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A head whose σ² is the same constant for every image: exp(β) + 1e-6 (w1 = 0, unit batch norms). */
async function writeConstantHead(file: string, dim: number, beta: number): Promise<void> {
  const a: HeadArchitecture = { inputKind: 'mu', inputDim: dim, hiddenDim: 3, outputDim: dim, muDim: dim, sigmaMode: 'scalar', bnEpsilon: 1e-3 };
  const shapes = headWeightShapes(a);
  const w = Object.fromEntries(HEAD_WEIGHT_NAMES.map((n) => [n, new Float32Array(shapes[n].reduce((p, v) => p * v, 1))])) as unknown as Record<keyof HeadWeights, Float32Array>;
  w.inputScale[0] = 1;
  w.bn1Gamma.fill(1);
  w.bn1MovingVar.fill(1);
  w.bn2MovingVar.fill(1);
  w.sigmaGamma[0] = 1;
  w.sigmaBeta[0] = beta;
  await saveHeadFile(file, { architecture: a, weights: w, backbone: 'test', training: {} });
}

describe('pfe eval pairs (compiled CLI, synthetic embedding folder)', () => {
  let dir = '';
  // 8 images of 4 people in D = 4; image h failed. Same-person rows are close, others far apart.
  const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
  const rows = [
    [1, 0.1, 0, 0],
    [1, 0, 0.1, 0],
    [0, 1, 0.1, 0],
    [0.1, 1, 0, 0],
    [0, 0, 1, 0.1],
    [0, 0.1, 1, 0],
    [0.1, 0, 0, 1],
  ].map((r) => {
    const n = Math.hypot(...r);
    return r.map((v) => v / n);
  });
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'pfe-eval-'));
    const emb = path.join(dir, 'emb');
    mkdirSync(emb);
    await writeNpyFile(path.join(emb, 'mu.npy'), [7, 4], new Float32Array(rows.flat()));
    await writeNpyFile(path.join(emb, 'pooled_global.npy'), [7, 2], new Float32Array(14).fill(1));
    await writeNpyFile(path.join(emb, 'pooled_grid2x2.npy'), [7, 8], new Float32Array(56).fill(1));
    const images = names.map((n, i) =>
      i < 7 ? { path: path.join(dir, 'img', `${n}.jpg`), status: 'ok', row: i, detectorScore: 0.9 } : { path: path.join(dir, 'img', `${n}.jpg`), status: 'failed', code: 'NO_FACE', reason: 'no face found' },
    );
    writeFileSync(path.join(emb, 'index.json'), JSON.stringify({ degrade: null, seed: null, dim: 4, count: 7, images }));
    // Fold 1: genuine a-b, c-d; impostor a-c, b-e. Fold 2: genuine e-f, g-h (h failed); impostor d-g, f-h (h failed).
    writeFileSync(
      path.join(dir, 'pairs.txt'),
      ['# synthetic', 'a.jpg\tb.jpg\t1\t1', 'c.jpg\td.jpg\t1\t1', 'a.jpg\tc.jpg\t0\t1', 'b.jpg\te.jpg\t0\t1', 'e.jpg\tf.jpg\t1\t2', 'g.jpg\th.jpg\t1\t2', 'd.jpg\tg.jpg\t0\t2', 'f.jpg\th.jpg\t0\t2', ''].join('\n'),
    );
    await writeConstantHead(path.join(dir, 'head.pfehead'), 4, -2);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('counts the failed image against its pairs and writes JSON, table and ROC', () => {
    const r = runCli(['eval', 'pairs', '--pairs', 'pairs.txt', '--root', 'img', '--embeddings', 'emb', '--head', 'head.pfehead', '--ablations', '--out', 'out'], dir);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(readFileSync(path.join(dir, 'out', 'results.json'), 'utf8')) as {
      failedImages: number;
      failedPairs: { genuine: number; impostor: number };
      failures: { path: string; code: string }[];
      methods: { method: string; tarAtFar: { far: number; tar: number }[]; accuracy: { perFold: number[] }; auc: number }[];
    };
    assert.equal(report.failedImages, 1);
    assert.deepEqual(report.failedPairs, { genuine: 1, impostor: 1 });
    assert.equal(report.failures[0]!.code, 'NO_FACE');
    const byName = new Map(report.methods.map((m) => [m.method, m]));
    assert.deepEqual([...byName.keys()], ['cosine', 'centred cosine', 'MLS', 'MLS weighting only', 'MLS penalty only', 'cosine on head mu']);
    // Every valid genuine pair beats every impostor; the failed genuine pair is lost at any FAR.
    for (const m of ['cosine', 'MLS']) {
      assert.equal(byName.get(m)!.tarAtFar[0]!.far, 0.001);
      assert.equal(byName.get(m)!.tarAtFar[0]!.tar, 0.75, m);
      assert.equal(byName.get(m)!.accuracy.perFold.length, 2);
    }
    // With one σ² for every image, MLS ranks pairs exactly as cosine on the head's mu.
    assert.deepEqual(byName.get('MLS')!.accuracy.perFold, byName.get('cosine on head mu')!.accuracy.perFold);
    assert.equal(byName.get('MLS')!.auc, byName.get('cosine on head mu')!.auc);
    // ... and the penalty-only half cannot tell pairs apart (all valid pairs tie).
    assert.equal(byName.get('MLS penalty only')!.tarAtFar[0]!.tar, 0);
    const svg = readFileSync(path.join(dir, 'out', 'roc.svg'), 'utf8');
    assert.match(svg, /^<svg[\s\S]*MLS[\s\S]*<\/svg>\s*$/);
    assert.match(readFileSync(path.join(dir, 'out', 'table.md'), 'utf8'), /\| centred cosine \| /);
    assert.match(r.stderr, /failed: .*h\.jpg: NO_FACE/);
  });

  it('reports a bad pair line with its number', () => {
    writeFileSync(path.join(dir, 'bad.txt'), 'a.jpg\tb.jpg\t1\n# fine\na.jpg\tc.jpg\tmaybe\n');
    const r = runCli(['eval', 'pairs', '--pairs', 'bad.txt', '--root', 'img', '--embeddings', 'emb', '--out', 'out2'], dir);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /bad\.txt: pair file line 3: label 'maybe'/);
  });

  it('asks for a protocol', () => {
    const r = runCli(['eval', 'nonsense'], dir);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown protocol 'nonsense'/);
  });
});

describe('pfe eval lfw: the LFW folder', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'pfe-eval-lfw-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('without the data says where it looked and what to do, not a stack trace (exit 1)', () => {
    const r = spawnSync(process.execPath, [mainJs, 'eval', 'lfw'], { encoding: 'utf8', cwd: dir, env: { ...process.env, PFE_SHARED_DATA: '' } });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /error IO_ERROR: there is no LFW folder at \.\.\/shared\/data\/lfw \(the default; no --root given\)\. Get LFW as the README's "Data" section says/);
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, 'no stack trace');
    const viaEnv = spawnSync(process.execPath, [mainJs, 'eval', 'lfw'], { encoding: 'utf8', cwd: dir, env: { ...process.env, PFE_SHARED_DATA: path.join(dir, 'data') } });
    assert.match(viaEnv.stderr, new RegExp(`no LFW folder at ${path.join(dir, 'data', 'lfw').replace(/[/.]/g, '\\$&')} \\(from PFE_SHARED_DATA\\)`));
  });

  it('lists every missing part, and spots the download folder that should be images/', () => {
    const lfw = path.join(dir, 'partial');
    mkdirSync(path.join(lfw, 'lfw'), { recursive: true });
    writeFileSync(path.join(lfw, 'pairs.txt'), '1 1\n');
    const r = runCli(['eval', 'lfw', '--root', lfw], dir);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /lacks images\/ — .*; ldmark_lfw_mtcnncaffe\.txt — .* \(.*partial\/lfw looks like the photos: rename it to .*partial\/images\)/);
    assert.doesNotMatch(r.stderr, /lacks[^.]*pairs\.txt/);
  });

  it('runs on an LFW folder laid out as the README says, with 250-px originals (here: fixtures enlarged)', async () => {
    const lfw = path.join(dir, 'lfw250');
    const photos: [string, number][] = [['Abdullah_Gul', 1], ['Abdullah_Gul', 2], ['Abdullah_Gul', 3], ['Adrien_Brody', 1], ['Adrien_Brody', 2], ['Adrien_Brody', 3], ['AJ_Cook', 1], ['Aaron_Eckhart', 1]];
    for (const [p, n] of photos) {
      mkdirSync(path.join(lfw, 'images', p), { recursive: true });
      await sharp(fixturePath('lfw', 'images', p, `${p}_000${n}.jpg`)).resize(250, 250, { kernel: 'lanczos3' }).jpeg({ quality: 95 }).toFile(path.join(lfw, 'images', p, `${p}_000${n}.jpg`));
    }
    copyFileSync(fixturePath('lfw', 'ldmark_lfw_mtcnncaffe.txt'), path.join(lfw, 'ldmark_lfw_mtcnncaffe.txt'));
    // pairs.txt in LFW's format: 2 folds of 2 matched + 2 mismatched pairs.
    writeFileSync(
      path.join(lfw, 'pairs.txt'),
      ['2\t2', 'Abdullah_Gul\t1\t2', 'Adrien_Brody\t1\t2', 'Abdullah_Gul\t1\tAdrien_Brody\t1', 'AJ_Cook\t1\tAaron_Eckhart\t1',
        'Abdullah_Gul\t2\t3', 'Adrien_Brody\t2\t3', 'Abdullah_Gul\t3\tAJ_Cook\t1', 'Adrien_Brody\t3\tAaron_Eckhart\t1', ''].join('\n'),
    );
    const r = runCli(['eval', 'lfw', '--root', lfw, '--cache', path.join(dir, 'cache'), '--workers', '0', '--out', 'out-lfw'], dir);
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /warning: .*landmark/);
    assert.match(r.stdout, /^8 pairs \(4 genuine\), 0 failed images/);
    const report = JSON.parse(readFileSync(path.join(dir, 'out-lfw', 'results.json'), 'utf8')) as { methods: { method: string; auc: number }[] };
    const mls = report.methods.find((m) => m.method === 'MLS');
    assert.equal(mls?.auc, 1, 'every genuine pair above every impostor pair');
  });
});
