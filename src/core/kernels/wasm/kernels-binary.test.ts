import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeBase64 } from './wasm-runtime.js';
import { KERNELS_PLAIN_BASE64, KERNELS_SHARED_BASE64 } from './kernels-binary.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

describe('embedded wasm kernels', () => {
  it('match kernels.wat: the committed kernels-binary.ts is what the build assembles from the source', () => {
    const run = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-wasm.mjs'), '--check'], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
  });

  it('are WebAssembly binaries (magic number and version 1) in both memory variants', () => {
    for (const text of [KERNELS_SHARED_BASE64, KERNELS_PLAIN_BASE64]) {
      assert.deepEqual([...decodeBase64(text).subarray(0, 8)], [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    }
  });

  it('decodes base64 as Node does', () => {
    const bytes = Uint8Array.from({ length: 257 }, (_, k) => (k * 37) & 0xff);
    for (const n of [0, 1, 2, 3, 100, 257]) {
      assert.deepEqual(decodeBase64(Buffer.from(bytes.subarray(0, n)).toString('base64')), bytes.subarray(0, n));
    }
  });
});
