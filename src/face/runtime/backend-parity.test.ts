import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { alignFace } from '../align/align.js';
import { loadFaceDetector } from '../detect/face-detector.js';
import { loadFaceres } from '../backbone/faceres.js';
import { loadFixtureFaces } from '../../testing/fixture-faces.js';
import { type BackendName, initBackend } from './tfjs-runtime.js';

describe('cpu fallback backend', () => {
  it('gives the same embedding and landmarks as wasm on a real face', async (t) => {
    const faces = await loadFixtureFaces();
    if (typeof faces === 'string') return t.skip(faces);
    const face = faces[0]!;
    const aligned = alignFace(face.image, face.mtcnn, 224).image;
    const results: Array<{ mu: Float32Array; eyes: number[] }> = [];
    for (const backend of ['wasm', 'cpu'] as BackendName[]) {
      assert.equal((await initBackend(backend)).backend, backend);
      const backbone = await loadFaceres();
      const detector = await loadFaceDetector();
      const { mu } = await backbone.embed([aligned]);
      const [found] = await detector.detectFaces(face.image);
      assert.ok(found !== undefined, `${backend}: no face`);
      results.push({ mu, eyes: [found.landmarks[0].x, found.landmarks[0].y, found.landmarks[1].x, found.landmarks[1].y] });
      backbone.dispose();
      detector.dispose();
    }
    const [wasm, cpu] = results as [{ mu: Float32Array; eyes: number[] }, { mu: Float32Array; eyes: number[] }];
    let dot = 0;
    for (let l = 0; l < wasm.mu.length; l++) dot += wasm.mu[l]! * cpu.mu[l]!;
    assert.ok(dot > 0.9999, `cosine between backends ${dot}`);
    wasm.eyes.forEach((v, k) => assert.ok(Math.abs(v - cpu.eyes[k]!) < 0.05, `eye coordinate ${k}: ${v} vs ${cpu.eyes[k]}`));
  });
});
