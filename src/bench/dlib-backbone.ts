/**
 * Speed of the dlib ResNet-29 backbone alone (chips already cut), per image, on one core:
 * tfjs' wasm backend runs single-threaded in Node (no worker threads), the cpu backend is
 * plain JS. Prints wall-clock and process CPU milliseconds per image for several batch
 * sizes (best of `--repeats` timed runs after a warm-up), and the 1-minute load average,
 * since the machine may be shared: CPU time is the steadier figure under contention.
 *
 *   npm run build && node dist/bench/dlib-backbone.js [--backend wasm|cpu] [--images 32] [--repeats 3]
 *
 * Faces are the LFW fixtures (fixtures/lfw) cut to dlib's chip, repeated to --images.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { alignFaceTo } from '../face/align/align.js';
import { loadDlibResnet } from '../face/backbone/dlib-resnet.js';
import { loadFixtureFaces } from '../testing/fixture-faces.js';
import { type BackendName, initBackend } from '../face/runtime/tfjs-runtime.js';
import type { RgbImage } from '../face/types.js';

/** Best wall and CPU milliseconds per item over `repeats` runs of `run` (after one warm-up run). */
async function timePerItem(items: number, repeats: number, run: () => Promise<unknown>): Promise<{ wallMs: number; cpuMs: number }> {
  await run();
  let wallMs = Infinity;
  let cpuMs = Infinity;
  for (let r = 0; r < repeats; r++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await run();
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    wallMs = Math.min(wallMs, wall / items);
    cpuMs = Math.min(cpuMs, (cpu.user + cpu.system) / 1000 / items);
  }
  return { wallMs, cpuMs };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { backend: { type: 'string', default: 'wasm' }, images: { type: 'string', default: '32' }, repeats: { type: 'string', default: '3' } } });
  if (values.backend !== 'wasm' && values.backend !== 'cpu') throw new Error(`--backend must be wasm or cpu, got ${values.backend}`);
  const count = Number(values.images);
  const repeats = Number(values.repeats);
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(repeats) || repeats < 1) throw new Error('--images and --repeats must be positive integers');
  const info = await initBackend(values.backend as BackendName);
  const simd = info.backend === 'wasm' ? String(tf.env().getBool('WASM_HAS_SIMD_SUPPORT')) : 'n/a';
  console.log(`backend ${info.backend}${info.fallbackReason ? ` (fallback: ${info.fallbackReason})` : ''}, SIMD ${simd}, ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);

  const faces = await loadFixtureFaces();
  if (typeof faces === 'string') throw new Error(faces);
  const backbone = await loadDlibResnet();
  const chips = faces.map((f) => alignFaceTo(f.image, f.mtcnn, backbone.cropTemplate).image);
  const batch: RgbImage[] = Array.from({ length: count }, (_, i) => chips[i % chips.length]!);
  console.log(`${count} chips of 150×150 (${chips.length} distinct LFW fixtures)`);
  for (const batchSize of [1, 8, 16]) {
    const { wallMs, cpuMs } = await timePerItem(batch.length, repeats, () => backbone.embed(batch, { batchSize }));
    console.log(`dlib ResNet-29 batch ${String(batchSize).padStart(2)}: ${wallMs.toFixed(1)} ms/image wall, ${cpuMs.toFixed(1)} ms/image CPU`);
  }
  console.log(`load average after: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  backbone.dispose();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
