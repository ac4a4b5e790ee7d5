/**
 * Throughput of the face models on this machine: detection (BlazeFace + FaceMesh) and
 * the faceres backbone, per image, single and batched.
 *
 *   node <out>/bench/backbone.js [--backend wasm|cpu] [--images N] [--leak N]
 *
 * Images are the LFW fixtures (fixtures/lfw/images), repeated to N. `--leak N` also
 * embeds N faces in batches of 16 and prints tf.memory() before and after (a long
 * leak check; a short one is a unit test in src/face/backbone/faceres.test.ts).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { alignFace } from '../face/align/align.js';
import { decodeImage } from '../face/image/decode.js';
import { loadFaceDetector } from '../face/detect/face-detector.js';
import { loadFaceres } from '../face/backbone/faceres.js';
import { type BackendName, initBackend } from '../face/runtime/tfjs-runtime.js';
import type { RgbImage } from '../face/types.js';
import { fixturePath } from '../testing/paths.js';

/** Milliseconds per item of `run`, which processes `items` items; best of `repeats` runs after one warm-up. */
async function msPerItem(items: number, repeats: number, run: () => Promise<unknown>): Promise<number> {
  await run();
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    await run();
    best = Math.min(best, performance.now() - t0);
  }
  return best / items;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { backend: { type: 'string', default: 'wasm' }, images: { type: 'string', default: '32' }, leak: { type: 'string', default: '0' } } });
  const backendArg = values.backend;
  if (backendArg !== 'wasm' && backendArg !== 'cpu') throw new Error(`--backend must be wasm or cpu, got ${backendArg}`);
  const count = Number(values.images);
  const leak = Number(values.leak);
  const info = await initBackend(backendArg as BackendName);
  console.log(`backend ${info.backend}${info.fallbackReason ? ` (fallback: ${info.fallbackReason})` : ''}, SIMD ${info.backend === 'wasm' ? tf.env().getBool('WASM_HAS_SIMD_SUPPORT') : 'n/a'}`);

  const dir = fixturePath('lfw', 'images');
  const files = readdirSync(dir).flatMap((p) => readdirSync(path.join(dir, p)).map((f) => path.join(dir, p, f)));
  const decoded = await Promise.all(files.map((f) => decodeImage(f)));
  const images: RgbImage[] = Array.from({ length: count }, (_, i) => decoded[i % decoded.length]!);
  console.log(`${count} images (${decoded.length} distinct LFW fixtures, ${decoded[0]!.width}×${decoded[0]!.height})`);

  const decodeMs = await msPerItem(files.length, 3, () => Promise.all(files.map((f) => decodeImage(f))));
  console.log(`decode (sharp, 150×150 JPEG): ${decodeMs.toFixed(2)} ms/image`);

  const detector = await loadFaceDetector();
  const detMs = await msPerItem(images.length, 2, async () => {
    for (const img of images) await detector.detectFaces(img);
  });
  console.log(`detection (blazeface + facemesh): ${detMs.toFixed(1)} ms/image`);
  const aligned: RgbImage[] = [];
  for (const img of decoded) {
    const found = await detector.detectFaces(img);
    if (found[0] !== undefined) aligned.push(alignFace(img, found[0].landmarks, 224).image);
  }
  const landmarks = await Promise.all(decoded.map(async (img) => (await detector.detectFaces(img))[0]?.landmarks));
  const alignMs = await msPerItem(decoded.length, 3, async () => {
    decoded.forEach((img, i) => {
      const l = landmarks[i];
      if (l !== undefined) alignFace(img, l, 224);
    });
  });
  console.log(`align (similarity fit + bilinear warp to 224×224): ${alignMs.toFixed(2)} ms/image`);
  detector.dispose();
  const faces: RgbImage[] = Array.from({ length: count }, (_, i) => aligned[i % aligned.length]!);

  for (const relu6Rewrite of [true, false]) {
    const backbone = await loadFaceres({ relu6Rewrite });
    for (const batchSize of [1, 4, 8, 16]) {
      const ms = await msPerItem(faces.length, 2, () => backbone.embed(faces, { batchSize }));
      console.log(`faceres ${relu6Rewrite ? 'Relu6-rewritten' : 'original      '} batch ${String(batchSize).padStart(2)}: ${ms.toFixed(1)} ms/image`);
    }
    backbone.dispose();
  }

  if (leak > 0) {
    const backbone = await loadFaceres();
    await backbone.embed(faces.slice(0, 16));
    const before = tf.memory();
    const t0 = performance.now();
    for (let done = 0; done < leak; done += 16) await backbone.embed(faces.slice(0, Math.min(16, leak - done)), { batchSize: 16 });
    const after = tf.memory();
    console.log(`leak run: ${leak} faces in ${((performance.now() - t0) / 1000).toFixed(1)} s; tensors ${before.numTensors} → ${after.numTensors}, bytes ${before.numBytes} → ${after.numBytes}; process RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
    backbone.dispose();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
