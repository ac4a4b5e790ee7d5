import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readMatrixNpyFile, readNpyFile, writeNpyFile } from './npy-file.js';
import { assertRejectsPfe } from '../testing/pfe-error-assertions.js';

function pythonWithNumpy(): boolean {
  const r = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
  return r.status === 0;
}

describe('npy files', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'pfe-npy-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes and reads back a matrix', async () => {
    const file = path.join(dir, 'm.npy');
    const values = new Float32Array([1.5, -2, 0.1, 1e-20, 3e30, -0]);
    await writeNpyFile(file, [2, 3], values);
    const m = await readMatrixNpyFile(file);
    assert.equal(m.rows, 2);
    assert.equal(m.cols, 3);
    assert.deepEqual(Array.from(m.data), Array.from(values));
  });

  it('reports a missing file as IO_ERROR naming the path', async () => {
    const missing = path.join(dir, 'nope.npy');
    await assertRejectsPfe(readNpyFile(missing), 'IO_ERROR', new RegExp(`${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: no such file`));
  });

  it('puts the path in front of format errors, keeping the code', async () => {
    const file = path.join(dir, 'bad.npy');
    writeFileSync(file, 'hello world');
    await assertRejectsPfe(readNpyFile(file), 'INVALID_FORMAT', /bad\.npy: not an npy file/);
    const oneD = path.join(dir, 'v.npy');
    await writeNpyFile(oneD, [3], new Float32Array(3));
    await assertRejectsPfe(readMatrixNpyFile(oneD), 'DIMENSION_MISMATCH', /v\.npy: expected a 2-D array/);
  });

  it('writes files numpy.load reads with identical values, byte-identical to numpy.save', async (t) => {
    if (!pythonWithNumpy()) {
      t.skip('python3 with numpy is not installed; cannot cross-check against numpy');
      return;
    }
    const cases: { name: string; shape: number[]; values: number[] }[] = [
      { name: 'matrix', shape: [3, 4], values: [0.1, -0.2, 1 / 3, 1e-38, 3.4e38, -0, 7, 8, 1e-45, 2 ** -20, -123.456, 0.5] },
      { name: 'vector', shape: [5], values: [1, 2, 3, 4, 5] },
      { name: 'empty', shape: [0, 128], values: [] },
      { name: 'scalar', shape: [], values: [2.5] },
      { name: 'wide', shape: [1, 1000000], values: [] },
    ];
    cases[4]!.values = Array.from({ length: 1_000_000 }, (_, k) => Math.sin(k));
    for (const c of cases) await writeNpyFile(path.join(dir, `${c.name}.npy`), c.shape, new Float32Array(c.values));
    // numpy loads each file, re-saves it to memory and reports shape, dtype, values (as
    // float32 bit patterns, so the comparison is exact) and whether the bytes match ours.
    const script = [
      'import io, json, sys, numpy as np',
      'out = {}',
      'for name in sys.argv[2:]:',
      '    p = f"{sys.argv[1]}/{name}.npy"',
      '    a = np.load(p)',
      '    buf = io.BytesIO(); np.save(buf, a)',
      '    out[name] = {"shape": list(a.shape), "dtype": a.dtype.str, "bits": a.ravel().view("<u4").tolist(),',
      '                 "same_bytes": buf.getvalue() == open(p, "rb").read()}',
      'print(json.dumps(out))',
    ].join('\n');
    const r = spawnSync('python3', ['-c', script, dir, ...cases.map((c) => c.name)], { encoding: 'utf8', maxBuffer: 64 << 20 });
    assert.equal(r.status, 0, r.stderr);
    const got = JSON.parse(r.stdout) as Record<string, { shape: number[]; dtype: string; bits: number[]; same_bytes: boolean }>;
    for (const c of cases) {
      const g = got[c.name]!;
      assert.deepEqual(g.shape, c.shape, c.name);
      assert.equal(g.dtype, '<f4', c.name);
      const bits = new Uint32Array(new Float32Array(c.values).buffer);
      assert.equal(g.bits.length, bits.length, c.name);
      for (let k = 0; k < bits.length; k++) assert.equal(g.bits[k], bits[k], `${c.name}[${k}]`);
      assert.equal(g.same_bytes, true, `${c.name}: our file differs from numpy.save's`);
    }
  });
});
