import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import sharp from 'sharp';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { deriveSeed, SeededRandom } from '../../core/random.js';
import { BN_EPSILON, type HeadArchitecture } from '../../head/head-model.js';
import { saveHeadFile } from '../../head/model-file.js';
import { initialHeadWeights } from '../../train/head-trainer.js';
import { fixturePath } from '../../testing/paths.js';

const mainJs = fileURLToPath(new URL('../main.js', import.meta.url));

const img = (p: string, n: number): string => fixturePath('lfw', 'images', p, `${p}_000${n}.jpg`);

describe('pfe compare', () => {
  it('prints cosine, MLS and both uncertainties; same person scores higher than different people', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pfe-compare-'));
    try {
      // An untrained head on pooled_global (σ² ≈ e^−7, slightly image-dependent) is enough to test the plumbing.
      const a: HeadArchitecture = { inputKind: 'pooled_global', inputDim: 1024, hiddenDim: 16, outputDim: 16, muDim: 1024, sigmaMode: 'scalar', bnEpsilon: BN_EPSILON };
      const w = initialHeadWeights(a, new SeededRandom(deriveSeed(1, 2)), { inputMean: new Float32Array(1024), inputScale: Float32Array.of(1), muMean: new Float32Array(1024) });
      const headFile = path.join(dir, 'h.pfehead');
      await saveHeadFile(headFile, { architecture: a, weights: w, backbone: 'faceres', training: {} });
      const run = (x: string, y: string): Record<string, number> => {
        const r = spawnSync(process.execPath, [mainJs, 'compare', x, y, '--head', headFile, '--landmarks', fixturePath('lfw', 'ldmark_lfw_mtcnncaffe.txt'), '--json'], { encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
        return JSON.parse(r.stdout) as Record<string, number>;
      };
      const img = (p: string, n: number): string => fixturePath('lfw', 'images', p, `${p}_000${n}.jpg`);
      const same = run(img('Adrien_Brody', 1), img('Adrien_Brody', 2));
      const diff = run(img('Adrien_Brody', 1), img('AJ_Cook', 1));
      for (const k of ['cosine', 'rawCosine', 'mls', 'uncertaintyA', 'uncertaintyB']) assert.ok(Number.isFinite(same[k]), k);
      assert.ok(same['cosine']! > diff['cosine']!, `cosine same ${same['cosine']} vs different ${diff['cosine']}`);
      assert.ok(same['mls']! > diff['mls']!, `MLS same ${same['mls']} vs different ${diff['mls']}`);
      assert.equal(same['uncertaintyA'], diff['uncertaintyA'], 'the uncertainty of an image does not depend on the other image');
      const text = spawnSync(process.execPath, [mainJs, 'compare', img('Adrien_Brody', 1), img('AJ_Cook', 1), '--head', headFile], { encoding: 'utf8' });
      assert.equal(text.status, 0, text.stderr);
      assert.match(text.stdout, /cosine \(centred mu\)\s+-?\d\.\d{4}\n/);
      assert.match(text.stdout, /MLS \(nats\)\s+-?\d+\.\d\n/);
      assert.match(text.stdout, /uncertainty a\s+\d\.\d{3}e[-+]\d+/);
      // an ad-hoc head has no calibration beside it: no verdict, and the output says so
      assert.match(text.stdout, /verdict\s+none \(no calibration/);
      assert.equal(same['verdicts'], undefined);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('gives the calibrated verdicts of the shipped head: one person accepted, two people refused', () => {
    const img = (p: string, n: number): string => fixturePath('lfw', 'images', p, `${p}_000${n}.jpg`);
    type Verdicts = { verdicts: Record<'mls' | 'cosine', { match: boolean; estimatedFar: number; targetFar: number }> };
    const run = (x: string, y: string): Verdicts => {
      const r = spawnSync(process.execPath, [mainJs, 'compare', x, y, '--json'], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout) as Verdicts;
    };
    const same = run(img('Abdullah_Gul', 1), img('Abdullah_Gul', 2));
    const diff = run(img('Abdullah_Gul', 1), img('AJ_Cook', 1));
    for (const metric of ['mls', 'cosine'] as const) {
      assert.equal(same.verdicts[metric].match, true, metric);
      assert.equal(diff.verdicts[metric].match, false, metric);
      assert.equal(same.verdicts[metric].targetFar, 1e-3);
      assert.ok(same.verdicts[metric].estimatedFar < diff.verdicts[metric].estimatedFar);
    }
    const text = spawnSync(process.execPath, [mainJs, 'compare', img('Abdullah_Gul', 1), img('AJ_Cook', 1)], { encoding: 'utf8' });
    assert.match(text.stdout, /verdict on MLS\s+different people \(estimated FAR/);
    assert.match(text.stdout, /verdict on cosine\s+different people/);
  });

  it('needs images in pairs (exit 2)', () => {
    const r = spawnSync(process.execPath, [mainJs, 'compare', 'only-one.jpg'], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /expected an even number of image arguments, got 1/);
    const none = spawnSync(process.execPath, [mainJs, 'compare'], { encoding: 'utf8' });
    assert.equal(none.status, 2);
    assert.match(none.stderr, /name two images to compare/);
  });

  it('says once, in plain words, which file failed and why (no decoder jargon, a hint for no face)', () => {
    const text = fixturePath('lfw', 'README.md');
    const r = spawnSync(process.execPath, [mainJs, 'compare', text, img('AJ_Cook', 1)], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /error IMAGE_DECODE_FAILED: .*README\.md could not be read as an image: the file is damaged or is not an image\.\n/);
    assert.equal(r.stderr.split('README.md').length - 1, 1, r.stderr);
    const missing = spawnSync(process.execPath, [mainJs, 'compare', '/nonexistent/x.jpg', img('AJ_Cook', 1)], { encoding: 'utf8' });
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /error IO_ERROR: \/nonexistent\/x\.jpg does not exist\.\n/);
  });

  it('compares several pairs with the models loaded once; a failed image fails only its pairs', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pfe-compare-pairs-'));
    try {
      const pairFile = path.join(dir, 'pairs.tsv');
      await writeFile(pairFile, `# a pair file\n${img('Abdullah_Gul', 1)}\t${img('Abdullah_Gul', 2)}\t1\n${img('Abdullah_Gul', 1)}\t${path.join(dir, 'missing.jpg')}\n`);
      const r = spawnSync(process.execPath, [mainJs, 'compare', img('Adrien_Brody', 1), img('AJ_Cook', 1), '--pairs', pairFile, '--json'], { encoding: 'utf8' });
      assert.equal(r.status, 1, 'one pair failed');
      const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { a: string; b: string; mls?: number; verdicts?: { mls: { match: boolean } }; error?: { code: string } });
      assert.equal(rows.length, 3);
      assert.equal(rows[0]!.verdicts!.mls.match, false);
      assert.equal(rows[1]!.verdicts!.mls.match, true);
      assert.equal(rows[2]!.error!.code, 'IO_ERROR');
      assert.match(r.stderr, /models loaded in \d+\.\d s; 5 images embedded and 3 pairs compared in \d+\.\d s \(\d+\.\d\d s per pair\)/);
      const table = spawnSync(process.execPath, [mainJs, 'compare', img('Adrien_Brody', 1), img('AJ_Cook', 1), img('Abdullah_Gul', 1), img('Abdullah_Gul', 2)], { encoding: 'utf8' });
      assert.equal(table.status, 0, table.stderr);
      const lines = table.stdout.trim().split('\n');
      assert.equal(lines.length, 4, table.stdout);
      assert.match(lines[2]!, /AJ_Cook_0001\.jpg\t-?\d\.\d{4}\t.*\tdifferent\tdifferent$/);
      assert.match(lines[3]!, /\tsame\tsame$/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('gives the 250-px LFW originals the verdicts of the 150-px copies (landmark scale from the image size)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pfe-compare-250-'));
    try {
      const people: [string, number][] = [['Abdullah_Gul', 1], ['Abdullah_Gul', 2], ['Abdullah_Gul', 3], ['Adrien_Brody', 1], ['Adrien_Brody', 2], ['Adrien_Brody', 3], ['AJ_Cook', 1], ['Aaron_Eckhart', 1]];
      for (const [p, n] of people) {
        await mkdir(path.join(dir, p), { recursive: true });
        // The LFW originals are 250×250; the fixtures are the site's 150×150 copies of them.
        await sharp(img(p, n)).resize(250, 250, { kernel: 'lanczos3' }).jpeg({ quality: 95 }).toFile(path.join(dir, p, `${p}_000${n}.jpg`));
      }
      const pairs = 'Abdullah_Gul 1 2|Abdullah_Gul 1 3|Adrien_Brody 1 2|Adrien_Brody 2 3|Abdullah_Gul 1 Adrien_Brody 1|AJ_Cook 1 Aaron_Eckhart 1|Adrien_Brody 3 AJ_Cook 1'.split('|').map((t) => {
        const f = t.split(' ');
        return f.length === 3 ? [`${f[0]}/${f[0]}_000${f[1]}.jpg`, `${f[0]}/${f[0]}_000${f[2]}.jpg`] : [`${f[0]}/${f[0]}_000${f[1]}.jpg`, `${f[2]}/${f[2]}_000${f[3]}.jpg`];
      });
      const pairFile = path.join(dir, 'pairs.tsv');
      await writeFile(pairFile, pairs.map((p) => p.join('\t')).join('\n') + '\n');
      type Row = { mls: number; uncertaintyA: number; verdicts: Record<'mls' | 'cosine', { match: boolean }> };
      const run = (root: string, extra: string[] = []): { rows: Row[]; stderr: string } => {
        const r = spawnSync(process.execPath, [mainJs, 'compare', '--pairs', pairFile, '--root', root, '--landmarks', fixturePath('lfw', 'ldmark_lfw_mtcnncaffe.txt'), '--json', ...extra], { encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
        return { rows: r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Row), stderr: r.stderr };
      };
      const small = run(fixturePath('lfw', 'images'));
      const big = run(dir);
      assert.doesNotMatch(small.stderr + big.stderr, /warning/);
      const expected = pairs.map((p) => p[0]!.split('/')[0] === p[1]!.split('/')[0]);
      for (let i = 0; i < pairs.length; i++) {
        for (const metric of ['mls', 'cosine'] as const) {
          assert.equal(small.rows[i]!.verdicts[metric].match, expected[i], `150 px, ${metric}, ${pairs[i]!.join(' ')}`);
          assert.equal(big.rows[i]!.verdicts[metric].match, small.rows[i]!.verdicts[metric].match, `250 px vs 150 px, ${metric}, ${pairs[i]!.join(' ')}`);
        }
        const ratio = big.rows[i]!.uncertaintyA / small.rows[i]!.uncertaintyA;
        assert.ok(ratio > 0.67 && ratio < 1.5, `σ² of the same photo at 250 and 150 px: ratio ${ratio}`);
      }
      // The old fixed default on the 250-px images is now called out.
      assert.match(run(dir, ['--landmark-scale', '0.6']).stderr, /warning: --landmark-scale 0\.6 disagrees with the images for 8 of 8 images.*calls for scale 1/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
