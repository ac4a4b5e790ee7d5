import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readMatrixNpyFile, writeNpyFile } from '../../io/npy-file.js';
import score from './score.js';

/** The compiled CLI entry beside this compiled test (works from dist/ and build-*). */
const mainJs = fileURLToPath(new URL('../main.js', import.meta.url));

function runCli(args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [mainJs, ...args], { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

type Rows = number[][];

/** Writes mu.npy and sigma_sq.npy from nested rows (sigma rows may have length 1). */
async function writeFolder(dir: string, mu: Rows, sigmaSq: Rows): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await writeNpyFile(path.join(dir, 'mu.npy'), [mu.length, mu[0]!.length], new Float32Array(mu.flat()));
  await writeNpyFile(path.join(dir, 'sigma_sq.npy'), [sigmaSq.length, sigmaSq[0]!.length], new Float32Array(sigmaSq.flat()));
}

/** Variance of row i, column l, broadcasting N×1 rows; values rounded to float32 as stored. */
function variance(sigmaSq: Rows, i: number, l: number): number {
  const row = sigmaSq[i]!;
  return Math.fround(row.length === 1 ? row[0]! : row[l]!);
}

/** Paper MLS written out term by term (Shi & Jain 2019, eq. 3), from the stored float32 values. */
function expectedMls(muA: Rows, sA: Rows, i: number, muB: Rows, sB: Rows, j: number): number {
  const dim = muA[0]!.length;
  let sum = 0;
  for (let l = 0; l < dim; l++) {
    const diff = Math.fround(muA[i]![l]!) - Math.fround(muB[j]![l]!);
    const s = variance(sA, i, l) + variance(sB, j, l);
    sum += (diff * diff) / s + Math.log(s);
  }
  return -0.5 * sum - (dim / 2) * Math.log(2 * Math.PI);
}

/** Reference-code MLS: −Σ[(Δμ)²/s + log s], no ½ and no constant. */
function expectedMlsReference(muA: Rows, sA: Rows, i: number, muB: Rows, sB: Rows, j: number): number {
  const dim = muA[0]!.length;
  return 2 * (expectedMls(muA, sA, i, muB, sB, j) + (dim / 2) * Math.log(2 * Math.PI));
}

function expectedCosine(muA: Rows, i: number, muB: Rows, j: number): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let l = 0; l < muA[0]!.length; l++) {
    const x = Math.fround(muA[i]![l]!);
    const y = Math.fround(muB[j]![l]!);
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return dot / Math.sqrt(na * nb);
}

describe('pfe score (end to end, compiled CLI)', () => {
  let dir = '';
  const muA: Rows = [
    [0.6, 0.8, 0, 0],
    [0.1, -0.3, 0.9, 0.2],
    [-0.5, 0.5, 0.5, -0.5],
  ];
  const sA: Rows = [
    [0.01, 0.02, 0.5, 1.5],
    [0.3, 0.3, 0.05, 0.2],
    [2, 0.001, 0.1, 0.7],
  ];
  const muB: Rows = [
    [0.55, 0.82, 0.05, -0.1],
    [0, 0, 1, 0],
  ];
  const sB: Rows = [[0.04], [0.9]]; // one isotropic variance per row (N×1), broadcast
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'pfe-score-'));
    await writeFolder(path.join(dir, 'A'), muA, sA);
    await writeFolder(path.join(dir, 'B'), muB, sB);
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const cases: { metric: string | undefined; expected: (i: number, j: number) => number }[] = [
    { metric: undefined, expected: (i, j) => expectedMls(muA, sA, i, muB, sB, j) },
    { metric: 'mls', expected: (i, j) => expectedMls(muA, sA, i, muB, sB, j) },
    { metric: 'mls-reference', expected: (i, j) => expectedMlsReference(muA, sA, i, muB, sB, j) },
    { metric: 'cosine', expected: (i, j) => expectedCosine(muA, i, muB, j) },
  ];
  for (const { metric, expected } of cases) {
    it(`writes the 3×2 ${metric ?? 'default (mls)'} matrix matching a direct computation`, async () => {
      const out = path.join(dir, `scores-${metric ?? 'default'}.npy`);
      const args = ['score', path.join(dir, 'A'), path.join(dir, 'B'), '--out', out, ...(metric === undefined ? [] : ['--metric', metric])];
      const r = runCli(args);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, new RegExp(`\\(3×4\\) vs .*\\(2×4\\), metric ${metric ?? 'mls'} -> .*scores-${metric ?? 'default'}\\.npy \\(3×2 float32\\)`));
      const m = await readMatrixNpyFile(out);
      assert.equal(m.rows, 3);
      assert.equal(m.cols, 2);
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 2; j++) {
          const want = expected(i, j);
          const got = m.data[i * 2 + j]!;
          // float32 output: allow a few float32 ulps of the float64 value.
          assert.ok(Math.abs(got - want) <= 4e-7 * Math.max(1, Math.abs(want)), `(${i}, ${j}): got ${got}, expected ${want}`);
        }
      }
    });
  }

  it('the MLS matrix is not the cosine matrix (the test inputs tell the metrics apart)', async () => {
    const mls = await readMatrixNpyFile(path.join(dir, 'scores-mls.npy'));
    const cos = await readMatrixNpyFile(path.join(dir, 'scores-cosine.npy'));
    assert.notDeepEqual(Array.from(mls.data), Array.from(cos.data));
    // With these variances MLS prefers B[0] for A[0] by a wide margin, as cosine does.
    assert.ok(mls.data[0]! > mls.data[1]! + 1);
  });

  it('writes csv and json labelled with the image paths of index.json, and notes images that have no row', async () => {
    // A as pfe embed writes it: index.json maps rows to images; one image failed (no row).
    const images = [
      { path: 'photos/x,1.jpg', status: 'ok', row: 1 },
      { path: 'photos/broken.jpg', status: 'failed', code: 'IMAGE_DECODE_FAILED', reason: 'not an image' },
      { path: 'photos/y.jpg', status: 'ok', row: 0 },
      { path: 'photos/z.jpg', status: 'ok', row: 2 },
    ];
    writeFileSync(path.join(dir, 'A', 'index.json'), JSON.stringify({ count: 3, images }));
    try {
      const csvOut = path.join(dir, 'scores.csv');
      const r = runCli(['score', path.join(dir, 'A'), path.join(dir, 'B'), '--out', csvOut, '--metric', 'cosine']);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /-> .*scores\.csv \(3×2 csv, labelled with image paths\)/);
      assert.match(r.stderr, /1 image of .*A failed in pfe embed and have no row:\n  photos\/broken\.jpg: IMAGE_DECODE_FAILED \(not an image\)/);
      const lines = readFileSync(csvOut, 'utf8').trimEnd().split('\n');
      assert.equal(lines.length, 4);
      const b = path.join(dir, 'B');
      assert.equal(lines[0], `,${b}#0,${b}#1`, 'B has no index.json: folder#row labels');
      const rowOf = (label: string, i: number): void => {
        // the label may hold a quoted comma; the two scores after it do not
        const parts = lines[i + 1]!.split(',');
        const cells = [parts.slice(0, -2).join(','), ...parts.slice(-2)];
        assert.equal(cells[0], label);
        for (let j = 0; j < 2; j++) assert.ok(Math.abs(Number(cells[j + 1]) - expectedCosine(muA, i, muB, j)) < 1e-6, `${label} ${j}`);
      };
      rowOf('photos/y.jpg', 0);
      rowOf('"photos/x,1.jpg"', 1);
      rowOf('photos/z.jpg', 2);
      // --format wins over the file name
      const jsonOut = path.join(dir, 'scores.txt');
      assert.equal(runCli(['score', path.join(dir, 'A'), path.join(dir, 'B'), '--out', jsonOut, '--format', 'json']).status, 0);
      const j = JSON.parse(readFileSync(jsonOut, 'utf8')) as { metric: string; rows: string[]; columns: string[]; scores: number[][]; failed: { rows: { path: string; code: string }[] } };
      assert.equal(j.metric, 'mls');
      assert.deepEqual(j.rows, ['photos/y.jpg', 'photos/x,1.jpg', 'photos/z.jpg']);
      assert.equal(j.columns.length, 2);
      assert.ok(Math.abs(j.scores[2]![1]! - expectedMls(muA, sA, 2, muB, sB, 1)) <= 1e-6 * Math.abs(j.scores[2]![1]!));
      assert.deepEqual(j.failed.rows.map((f) => [f.path, f.code]), [['photos/broken.jpg', 'IMAGE_DECODE_FAILED']]);
      // an index that does not fit the .npy files is refused
      writeFileSync(path.join(dir, 'A', 'index.json'), JSON.stringify({ images: images.slice(0, 2) }));
      const bad = runCli(['score', path.join(dir, 'A'), path.join(dir, 'B'), '--out', jsonOut]);
      assert.equal(bad.status, 1);
      assert.match(bad.stderr, /INVALID_FORMAT: .*index\.json: no image for row 0 of the 3 rows/);
    } finally {
      rmSync(path.join(dir, 'A', 'index.json'), { force: true });
    }
  });

  describe('bad input', () => {
    async function badFolder(name: string, mu: Rows, sigmaSq: Rows): Promise<string> {
      const folder = path.join(dir, name);
      await writeFolder(folder, mu, sigmaSq);
      return folder;
    }
    function expectFailure(args: string[], status: number, ...parts: RegExp[]): void {
      const out = path.join(dir, 'should-not-exist.npy');
      const r = runCli(['score', ...args.map((a) => (a === 'OUT' ? out : a))]);
      assert.equal(r.status, status, r.stderr);
      for (const part of parts) assert.match(r.stderr, part);
      assert.equal(existsSync(out), false, 'no output file on failure');
    }

    it('missing folder: exit 1, IO_ERROR naming it', () => {
      expectFailure([path.join(dir, 'A'), path.join(dir, 'missing'), '--out', 'OUT'], 1, /error IO_ERROR: embedding folder .*missing does not exist/);
    });
    it('different D in A and B: exit 1, DIMENSION_MISMATCH naming both shapes', async () => {
      const d3 = await badFolder('d3', [[1, 0, 0]], [[1]]);
      expectFailure([path.join(dir, 'A'), d3, '--out', 'OUT'], 1, /error DIMENSION_MISMATCH: .*A holds 3×4 embeddings but .*d3 holds 1×3/);
    });
    it('mu and sigma_sq shapes disagree: exit 1, DIMENSION_MISMATCH naming both files', async () => {
      const folder = await badFolder('rows', [[1, 0], [0, 1]], [[1, 1]]);
      expectFailure([folder, path.join(dir, 'B'), '--out', 'OUT'], 1, /DIMENSION_MISMATCH: .*mu\.npy has shape \(2, 2\) but .*sigma_sq\.npy has shape \(1, 2\)/);
    });
    it('NaN in mu: exit 1, NON_FINITE naming file, row and column', async () => {
      const folder = await badFolder('nan', [[1, 0, 0, 0], [0, NaN, 0, 0]], [[1], [1]]);
      expectFailure([path.join(dir, 'A'), folder, '--out', 'OUT'], 1, /error NON_FINITE: .*nan\/mu\.npy\[1\]\[1\] is NaN/);
    });
    it('negative variance: exit 1, NON_POSITIVE_VARIANCE naming file, row and column', async () => {
      const folder = await badFolder('negvar', [[1, 0, 0, 0]], [[0.1, 0.1, -0.2, 0.1]]);
      expectFailure([folder, path.join(dir, 'B'), '--out', 'OUT'], 1, /error NON_POSITIVE_VARIANCE: .*negvar\/sigma_sq\.npy\[0\]\[2\] is -0\.2/);
    });
    it('float64 file: exit 1, UNSUPPORTED_FORMAT saying what is expected', async (t) => {
      const folder = await badFolder('f8', [[1, 0, 0, 0]], [[1]]);
      const r = spawnSync('python3', ['-c', `import numpy as np; np.save(${JSON.stringify(path.join(folder, 'mu.npy'))}, np.ones((1, 4)))`]);
      if (r.status !== 0) {
        t.skip('python3 with numpy is not installed (the reader side is covered by the fixtures in src/io/npy.test.ts)');
        return;
      }
      expectFailure([folder, path.join(dir, 'B'), '--out', 'OUT'], 1, /UNSUPPORTED_FORMAT: .*f8\/mu\.npy: npy dtype '<f8'.*expected '<f4'/);
    });
    it('a score matrix too large to allocate: exit 1, INVALID_ARGUMENT with the size', async () => {
      // 100000 × 100000 = 1e10 entries, beyond V8's typed array length limit, from two 400 kB folders.
      const rows = 100_000;
      const big = path.join(dir, 'big');
      mkdirSync(big);
      await writeNpyFile(path.join(big, 'mu.npy'), [rows, 1], new Float32Array(rows).fill(1));
      await writeNpyFile(path.join(big, 'sigma_sq.npy'), [rows, 1], new Float32Array(rows).fill(1));
      expectFailure([big, big, '--out', 'OUT'], 1, /error INVALID_ARGUMENT: a 100000×100000 float32 score matrix \(37\.3 GiB\) cannot be allocated/);
    });
    it('unknown metric: exit 2 with the valid names and the usage', () => {
      expectFailure([path.join(dir, 'A'), path.join(dir, 'B'), '--out', 'OUT', '--metric', 'euclid'], 2, /--metric must be one of mls, mls-reference, .*cosine; got 'euclid'/, /Usage: pfe score/);
    });
    it('missing --out, wrong argument count or unknown option: exit 2', () => {
      expectFailure([path.join(dir, 'A'), path.join(dir, 'B')], 2, /--out is required/);
      expectFailure([path.join(dir, 'A'), '--out', 'OUT'], 2, /expected 2 arguments <A> <B>, got 1/);
      expectFailure([path.join(dir, 'A'), path.join(dir, 'B'), '--out', 'OUT', '--fast'], 2, /Unknown option '--fast'/);
    });
  });
});

describe('score command module', () => {
  it('throws UsageError (not PfeError) for usage mistakes, before touching the file system', async () => {
    await assert.rejects(score.run(['a', 'b', '--out', 'x.npy', '--metric', 'nope']), { name: 'UsageError' });
    await assert.rejects(score.run(['a']), { name: 'UsageError' });
  });
});
