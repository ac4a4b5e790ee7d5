import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { initBackend } from './tfjs-runtime.js';
import { disposeFaceApiWeights, loadFaceApiWeights, weightOfShape } from './face-api-tensors.js';
import { faceApiModelDir } from './face-api-weights.js';

interface ManifestEntry {
  name: string;
  shape: number[];
  quantization?: { dtype: string; min: number; scale: number };
}

describe('loadFaceApiWeights (tensors)', () => {
  before(async () => {
    await initBackend('cpu');
  });

  it('dequantises every uint8 tensor as min + scale · byte, in manifest order', async () => {
    const dir = faceApiModelDir();
    const weights = await loadFaceApiWeights('tiny_face_detector_model', dir);
    try {
      const manifest = JSON.parse(await readFile(path.join(dir, 'tiny_face_detector_model-weights_manifest.json'), 'utf8')) as { weights: ManifestEntry[] }[];
      const bin = await readFile(path.join(dir, 'tiny_face_detector_model.bin'));
      let offset = 0;
      for (const entry of manifest[0]!.weights) {
        const size = entry.shape.reduce((a, b) => a * b, 1);
        const t = weights.get(entry.name);
        assert.ok(t !== undefined, entry.name);
        assert.deepEqual(t.shape, entry.shape);
        const q = entry.quantization!;
        assert.equal(q.dtype, 'uint8');
        const values = t.dataSync();
        for (const i of [0, size - 1]) assert.ok(Math.abs(values[i]! - (q.min + q.scale * bin[offset + i]!)) < 1e-6, `${entry.name}[${i}]`);
        offset += size;
      }
      assert.equal(offset, bin.length, 'every byte of the .bin belongs to one tensor');
    } finally {
      disposeFaceApiWeights(weights);
    }
  });

  it('checks a tensor’s name and shape', async () => {
    const weights = await loadFaceApiWeights('tiny_face_detector_model', faceApiModelDir());
    try {
      const [name, t] = [...weights][0]!;
      assert.equal(weightOfShape(weights, name, t.shape), t);
      assert.throws(() => weightOfShape(weights, name, [...t.shape, 1]), (e: Error & { code?: string }) => e.code === 'MODEL_LOAD_FAILED' && e.message.includes(name));
      assert.throws(() => weightOfShape(weights, 'no/such/tensor', [1]), (e: Error & { code?: string }) => e.code === 'MODEL_LOAD_FAILED' && e.message.includes('no/such/tensor'));
    } finally {
      disposeFaceApiWeights(weights);
    }
  });

  it('names the missing file', async () => {
    await assert.rejects(loadFaceApiWeights('tiny_face_detector_model', '/nonexistent-dir'), (e: Error & { code?: string }) => e.code === 'MODEL_LOAD_FAILED' && e.message.includes('/nonexistent-dir'));
  });
});
