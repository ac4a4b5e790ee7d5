/**
 * Face detector on synthetic scenes built from the LFW fixtures (src/face/detect/test-scenes.ts):
 * grids of 2–9 faces, faces turned by quarter turns, a face enlarged ×25 inside a
 * 5000×4000 frame, eight small faces in a 3000×2000 frame, @vladmandic/human's samples.jpg
 * and a 3544×4500 portrait. Prints face counts and process CPU milliseconds (wasm, one thread).
 *
 *   npm run build && nice -n 5 node dist/bench/detect-scenes.js --detector multi
 *   npm run build && nice -n 5 node dist/bench/detect-scenes.js --detector blazeface
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadMultiFaceDetector } from '../face/detect/multi-face-detector.js';
import { greyCanvas, paste, resizeImage, turnClockwise } from '../testing/test-scenes.js';
import { decodeImage } from '../face/image/decode.js';
import { loadFaceDetector } from '../face/detect/face-detector.js';
import { loadFixtureFaces } from '../testing/fixture-faces.js';
import { defaultModelsDir } from '../face/runtime/model-paths.js';
import { initBackend } from '../face/runtime/tfjs-runtime.js';
import type { FaceDetection, RgbImage } from '../face/types.js';

interface DetectorUnderTest {
  detectFaces(image: RgbImage): Promise<readonly (FaceDetection & { uprightTurn?: number })[]>;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { detector: { type: 'string', default: 'multi' } } });
  const which = values.detector;
  if (which !== 'multi' && which !== 'blazeface') throw new Error(`--detector must be multi or blazeface, got ${which}`);
  await initBackend('wasm');
  const fixtures = await loadFixtureFaces();
  if (typeof fixtures === 'string') throw new Error(fixtures);
  const det: DetectorUnderTest = which === 'multi' ? await loadMultiFaceDetector() : await loadFaceDetector();
  const timed = async (img: RgbImage) => {
    const c0 = process.cpuUsage();
    const faces = await det.detectFaces(img);
    const c = process.cpuUsage(c0);
    return { faces, cpuMs: Math.round((c.user + c.system) / 1000) };
  };
  await det.detectFaces(fixtures[0]!.image);
  const grid: string[] = [];
  const cell = 170;
  for (let n = 2; n <= 9; n++) {
    const cols = Math.ceil(Math.sqrt(n));
    const rows = Math.ceil(n / cols);
    const canvas = greyCanvas(cols * cell + 20, rows * cell + 20);
    for (let i = 0; i < n; i++) paste(canvas, fixtures[i % fixtures.length]!.image, 20 + (i % cols) * cell, 20 + Math.floor(i / cols) * cell);
    grid.push(`${n}→${(await det.detectFaces(canvas)).length}`);
  }
  console.log(`${which} grids (faces placed → found): ${grid.join(' ')}`);
  for (const quarter of [1, 2, 3]) {
    const counts: string[] = [];
    for (const f of fixtures) {
      let img = f.image;
      for (let i = 0; i < quarter; i++) img = turnClockwise(img);
      const r = await det.detectFaces(img);
      counts.push(`${r.length}${r[0]?.uprightTurn === undefined ? '' : `@${r[0].uprightTurn}`}`);
    }
    console.log(`${which} fixtures turned ${quarter * 90}° clockwise (faces[@turn found]): ${counts.join(' ')}`);
  }
  const big: string[] = [];
  for (const f of fixtures.slice(0, 2)) {
    const canvas = greyCanvas(5000, 4000);
    paste(canvas, await resizeImage(f.image, 3750, 3750), 900, 150);
    const r = await timed(canvas);
    big.push(`${r.faces.length} faces ${r.cpuMs} ms`);
  }
  console.log(`${which} fixture ×25 in 5000×4000: ${big.join('; ')}`);
  {
    const canvas = greyCanvas(3000, 2000);
    for (const [i, f] of fixtures.entries()) paste(canvas, await resizeImage(f.image, 80, 80), 200 + (i % 4) * 700 + ((i * 37) % 200), 300 + Math.floor(i / 4) * 1000);
    const r = await timed(canvas);
    console.log(`${which} 8 fixtures at 80 px in 3000×2000: ${r.faces.length} faces ${r.cpuMs} ms`);
  }
  {
    const r = await timed(await decodeImage(path.join(defaultModelsDir(), '..', 'assets', 'samples.jpg')));
    console.log(`${which} samples.jpg: ${r.faces.length} faces ${r.cpuMs} ms`);
  }
  {
    const canvas = greyCanvas(3544, 4500);
    paste(canvas, await resizeImage(fixtures[0]!.image, 3544, 3544), 0, 478);
    const r = await timed(canvas);
    console.log(`${which} fixture ×23.6 in a 3544×4500 portrait: ${r.faces.length} faces ${r.cpuMs} ms`);
  }
}

await main();
