import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isPfeError } from '../../core/errors.js';
import { decodeWeightGroup, faceApiModelDir, loadWeightsManifest, parseWeightsManifest, requireWeight, type WeightSpec } from './face-api-weights.js';

const loadFailed = (e: unknown): boolean => isPfeError(e, 'MODEL_LOAD_FAILED');

describe('decodeWeightGroup', () => {
  it('dequantizes uint8 and uint16 as q*scale + min and copies float32 little-endian, in manifest order', () => {
    const specs: WeightSpec[] = [
      { name: 'a', shape: [3], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } },
      { name: 'b', shape: [2], dtype: 'float32' },
      { name: 'c', shape: [1, 2], dtype: 'float32', quantization: { dtype: 'uint16', scale: 0.001, min: 2 } },
    ];
    const bytes = new Uint8Array(3 + 8 + 4);
    bytes.set([0, 2, 255], 0);
    const view = new DataView(bytes.buffer);
    view.setFloat32(3, 1.25, true);
    view.setFloat32(7, -3.5, true);
    view.setUint16(11, 1000, true);
    view.setUint16(13, 65535, true);
    const w = decodeWeightGroup(bytes, specs, 'test');
    assert.deepEqual(Array.from(w.get('a')!.values), [-1, 0, 126.5]);
    assert.deepEqual(Array.from(w.get('b')!.values), [1.25, -3.5]);
    const c = w.get('c')!;
    assert.deepEqual(c.shape, [1, 2]);
    assert.ok(Math.abs(c.values[0]! - 3) < 1e-6 && Math.abs(c.values[1]! - (65.535 + 2)) < 1e-4);
  });

  it('rejects too few or too many bytes', () => {
    const specs: WeightSpec[] = [{ name: 'a', shape: [4], dtype: 'float32', quantization: { dtype: 'uint8', scale: 1, min: 0 } }];
    assert.throws(() => decodeWeightGroup(new Uint8Array(3), specs, 'x.json'), (e) => loadFailed(e) && /weight a needs bytes 0\.\.4/.test((e as Error).message));
    assert.throws(() => decodeWeightGroup(new Uint8Array(5), specs, 'x.json'), (e) => loadFailed(e) && /5 bytes but the manifest describes 4/.test((e as Error).message));
  });
});

describe('parseWeightsManifest', () => {
  it('rejects invalid JSON, a non-array, an unsupported dtype or quantization, with MODEL_LOAD_FAILED naming the file', () => {
    assert.throws(() => parseWeightsManifest('{"weights": ', 'm.json'), (e) => loadFailed(e) && /m\.json: not valid JSON/.test((e as Error).message));
    assert.throws(() => parseWeightsManifest('{}', 'm.json'), loadFailed);
    assert.throws(() => parseWeightsManifest('[{"paths": ["a.bin"], "weights": [{"name": "w", "shape": [2], "dtype": "int8"}]}]', 'm.json'), (e) => loadFailed(e) && /weight w: dtype int8/.test((e as Error).message));
    assert.throws(
      () => parseWeightsManifest('[{"paths": ["a.bin"], "weights": [{"name": "w", "shape": [2], "dtype": "float32", "quantization": {"dtype": "float16", "scale": 1, "min": 0}}]}]', 'm.json'),
      (e) => loadFailed(e) && /quantization dtype float16/.test((e as Error).message),
    );
    assert.throws(() => parseWeightsManifest('[{"paths": [], "weights": []}]', 'm.json'), loadFailed);
  });
});

describe('loadWeightsManifest on files', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pfe-weights-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a group split over two bin files', async () => {
    const manifest = [{ paths: ['p1.bin', 'p2.bin'], weights: [{ name: 'w', shape: [2, 2], dtype: 'float32', quantization: { dtype: 'uint8', scale: 2, min: 1 } }] }];
    await writeFile(path.join(dir, 'ok.json'), JSON.stringify(manifest));
    await writeFile(path.join(dir, 'p1.bin'), Uint8Array.from([0, 1]));
    await writeFile(path.join(dir, 'p2.bin'), Uint8Array.from([2, 3]));
    const w = await loadWeightsManifest(path.join(dir, 'ok.json'));
    assert.deepEqual(Array.from(w.get('w')!.values), [1, 3, 5, 7]);
  });

  it('gives MODEL_LOAD_FAILED for a missing manifest, a corrupt manifest and a missing bin file', async () => {
    await assert.rejects(loadWeightsManifest(path.join(dir, 'absent.json')), (e) => loadFailed(e) && /absent\.json: cannot read/.test((e as Error).message));
    await writeFile(path.join(dir, 'corrupt.json'), '[{"paths": ["p1.bin"], "weights": [');
    await assert.rejects(loadWeightsManifest(path.join(dir, 'corrupt.json')), loadFailed);
    await writeFile(path.join(dir, 'nobin.json'), JSON.stringify([{ paths: ['gone.bin'], weights: [] }]));
    await assert.rejects(loadWeightsManifest(path.join(dir, 'nobin.json')), (e) => loadFailed(e) && /gone\.bin/.test((e as Error).message));
  });
});

describe("face-api's face-recognition weights", () => {
  it('load as 117 float tensors with the shapes of dlib ResNet-29, finite and not constant', async () => {
    const weights = await loadWeightsManifest(path.join(faceApiModelDir(), 'face_recognition_model-weights_manifest.json'));
    assert.equal(weights.size, 117);
    const stem = requireWeight(weights, 'conv32_down/conv/filters', [7, 7, 3, 32], 'face-api');
    requireWeight(weights, 'conv256_down_out/conv2/conv/filters', [3, 3, 256, 256], 'face-api');
    const fc = requireWeight(weights, 'fc', [256, 128], 'face-api');
    for (const w of [stem, fc]) {
      assert.ok(w.values.every(Number.isFinite));
      assert.ok(Math.max(...w.values) > Math.min(...w.values));
    }
    assert.throws(() => requireWeight(weights, 'fc', [128, 256], 'face-api'), (e) => loadFailed(e) && /fc has shape \[256, 128\], expected \[128, 256\]/.test((e as Error).message));
    assert.throws(() => requireWeight(weights, 'fc2', [1], 'face-api'), (e) => loadFailed(e) && /fc2 is missing/.test((e as Error).message));
  });
});
