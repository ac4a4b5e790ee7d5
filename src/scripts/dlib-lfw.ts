/**
 * The dlib ResNet-29 backbone on LFW View 2 (6,000 pairs, 10 folds): raw cosine of the
 * 128-d descriptors, 10-fold accuracy (threshold chosen on the other nine folds), TAR at
 * FAR 1e-3 / 1e-2 on the pooled held-out scores, and the ROC's AUC. Faces are aligned from
 * the MTCNN landmark file of the PFE repository (×0.6 for the 150×150 images), to dlib's
 * chip (`--crop dlib`, the backbone's own geometry) and/or the ArcFace crop at 150 px
 * (`--crop arcface`, to measure how much the chip geometry matters).
 *
 *   npm run build && nice -n 5 node dist/scripts/dlib-lfw.js [--lfw ../shared/data/lfw] [--crop dlib|arcface|both] [--backend wasm|cpu]
 *
 * Descriptors are cached in .cache/dlib-lfw/<crop>.f32 (+ .json with the number done), so
 * an interrupted run resumes; results go to out/dlib-lfw/results.json. An image without a
 * landmark line counts as failed: its pairs are rejected (src/eval/pair-verification.ts).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatDuration } from '../io/progress.js';
import { parseLfwPairs } from '../eval/lfw-protocol.js';
import { evaluateMethod, indexPairs, withFailedPairsRejected } from '../eval/pair-verification.js';
import { type CropTemplate, alignFaceTo, arcfaceCropTemplate } from '../face/align/align.js';
import { DLIB_CHIP_TEMPLATE } from '../face/backbone/dlib-chip.js';
import { loadDlibResnet } from '../face/backbone/dlib-resnet.js';
import { decodeImage } from '../face/image/decode.js';
import { loadLfwLandmarks } from '../face/landmarks-file/lfw-landmarks.js';
import { type BackendName, initBackend } from '../face/runtime/tfjs-runtime.js';
import type { RgbImage } from '../face/types.js';

const FARS = [1e-3, 1e-2];
const DIM = 128;
/** Faces per forward call, and how often the cache is written. */
const BATCH = 16;
const SAVE_EVERY = 512;
const LOG_EVERY_MS = 15_000;

type CropName = 'dlib' | 'arcface';
const TEMPLATES: Readonly<Record<CropName, CropTemplate>> = { dlib: DLIB_CHIP_TEMPLATE, arcface: arcfaceCropTemplate(DLIB_CHIP_TEMPLATE.size) };

interface CacheState {
  readonly paths: readonly string[];
  readonly done: number;
  readonly failed: number[];
  /** Seconds spent in embed() (the backbone alone) and in decode + align, summed over runs. */
  readonly backboneSeconds: number;
  readonly prepareSeconds: number;
}

async function loadCache(file: string, paths: readonly string[]): Promise<{ mu: Float32Array; state: CacheState }> {
  const mu = new Float32Array(paths.length * DIM);
  const empty: CacheState = { paths, done: 0, failed: [], backboneSeconds: 0, prepareSeconds: 0 };
  if (!existsSync(`${file}.json`) || !existsSync(`${file}.f32`)) return { mu, state: empty };
  const state = JSON.parse(await readFile(`${file}.json`, 'utf8')) as CacheState;
  if (state.paths.length !== paths.length || state.paths.some((p, i) => p !== paths[i])) return { mu, state: empty };
  const bytes = await readFile(`${file}.f32`);
  mu.set(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4).subarray(0, state.done * DIM));
  return { mu, state };
}

async function saveCache(file: string, mu: Float32Array, state: CacheState): Promise<void> {
  await writeFile(`${file}.f32`, new Uint8Array(mu.buffer, mu.byteOffset, state.done * DIM * 4));
  await writeFile(`${file}.json`, JSON.stringify(state));
}

async function embedAll(crop: CropName, root: string, paths: readonly string[], cacheDir: string, backend: BackendName): Promise<{ mu: Float32Array; state: CacheState }> {
  const file = path.join(cacheDir, crop);
  const { mu, state: start } = await loadCache(file, paths);
  let state = start;
  if (state.done === paths.length) return { mu, state };
  const landmarks = await loadLfwLandmarks(path.join(root, 'ldmark_lfw_mtcnncaffe.txt'));
  const backbone = await loadDlibResnet({ batchSize: BATCH });
  const template = TEMPLATES[crop];
  const failed = new Set(state.failed);
  const t0 = performance.now();
  const firstDone = state.done;
  let lastLog = t0;
  let lastSave = state.done;
  let backboneSeconds = state.backboneSeconds;
  let prepareSeconds = state.prepareSeconds;
  console.error(`[${crop}] ${paths.length} images, ${state.done} cached, backend ${backend}, batch ${BATCH}`);
  while (state.done < paths.length) {
    const end = Math.min(paths.length, state.done + BATCH);
    const tPrep = performance.now();
    const chips: RgbImage[] = [];
    const rows: number[] = [];
    for (let i = state.done; i < end; i++) {
      const l = landmarks.get(paths[i]!);
      if (l === undefined) {
        failed.add(i);
        continue;
      }
      const image = await decodeImage(path.join(root, 'images', paths[i]!));
      chips.push(alignFaceTo(image, l, template).image);
      rows.push(i);
    }
    const tNet = performance.now();
    if (chips.length > 0) {
      const out = await backbone.embed(chips);
      rows.forEach((row, k) => mu.set(out.mu.subarray(k * DIM, (k + 1) * DIM), row * DIM));
    }
    const tEnd = performance.now();
    prepareSeconds += (tNet - tPrep) / 1000;
    backboneSeconds += (tEnd - tNet) / 1000;
    state = { paths, done: end, failed: [...failed].sort((a, b) => a - b), backboneSeconds, prepareSeconds };
    if (state.done - lastSave >= SAVE_EVERY || state.done === paths.length) {
      await saveCache(file, mu, state);
      lastSave = state.done;
    }
    if (tEnd - lastLog >= LOG_EVERY_MS || state.done === paths.length) {
      lastLog = tEnd;
      const rate = (state.done - firstDone) / ((tEnd - t0) / 1000);
      console.error(
        `[${crop}] ${state.done}/${paths.length} (${((100 * state.done) / paths.length).toFixed(1)}%) ${rate.toFixed(1)} img/s ` +
          `ETA ${formatDuration((paths.length - state.done) / rate)}; backbone ${((1000 * backboneSeconds) / state.done).toFixed(1)} ms/img, load ${os.loadavg()[0]!.toFixed(1)}`,
      );
    }
  }
  backbone.dispose();
  return { mu, state };
}

function cosineScorer(mu: Float32Array) {
  return (a: Int32Array, b: Int32Array): Float64Array => {
    const out = new Float64Array(a.length);
    for (let k = 0; k < a.length; k++) {
      const i = a[k]! * DIM;
      const j = b[k]! * DIM;
      let s = 0;
      for (let l = 0; l < DIM; l++) s += mu[i + l]! * mu[j + l]!;
      out[k] = s;
    }
    return out;
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      lfw: { type: 'string', default: path.join('..', 'shared', 'data', 'lfw') },
      crop: { type: 'string', default: 'dlib' },
      backend: { type: 'string', default: 'wasm' },
      cache: { type: 'string', default: path.join('.cache', 'dlib-lfw') },
      out: { type: 'string', default: path.join('out', 'dlib-lfw') },
    },
  });
  const crops: CropName[] = values.crop === 'both' ? ['dlib', 'arcface'] : values.crop === 'dlib' || values.crop === 'arcface' ? [values.crop] : [];
  if (crops.length === 0) throw new Error(`--crop must be dlib, arcface or both, got ${values.crop}`);
  if (values.backend !== 'wasm' && values.backend !== 'cpu') throw new Error(`--backend must be wasm or cpu, got ${values.backend}`);
  const info = await initBackend(values.backend);
  const root = values.lfw;
  const list = parseLfwPairs(await readFile(path.join(root, 'pairs.txt'), 'utf8'));
  const { paths, pairs } = indexPairs(list, 10);
  await mkdir(values.cache, { recursive: true });
  await mkdir(values.out, { recursive: true });
  const results: Record<string, unknown>[] = [];
  for (const crop of crops) {
    const { mu, state } = await embedAll(crop, root, paths, values.cache, info.backend);
    const failed = new Uint8Array(paths.length);
    for (const i of state.failed) failed[i] = 1;
    const scorer = withFailedPairsRejected(pairs, failed, cosineScorer(mu));
    const r = evaluateMethod(pairs, 'cosine', `raw cosine of dlib ResNet-29 descriptors, ${crop} crop`, scorer, FARS);
    results.push({
      crop,
      pairs: list.length,
      images: paths.length,
      failedImages: state.failed.length,
      accuracy: r.accuracy,
      tarAtFar: r.tarAtFar,
      auc: r.auc,
      backboneMsPerImage: (1000 * state.backboneSeconds) / paths.length,
      prepareMsPerImage: (1000 * state.prepareSeconds) / paths.length,
    });
  }
  await writeFile(path.join(values.out, 'results.json'), JSON.stringify({ date: new Date().toISOString(), backend: info.backend, results }, null, 1) + '\n');
  const pct = (x: number): string => (100 * x).toFixed(2);
  console.log('| crop | 10-fold accuracy (%) | TAR@FAR=1e-3 (%) | TAR@FAR=1e-2 (%) | AUC | failed images | backbone ms/image (batch 16, during the pass) |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of results) {
    const acc = r['accuracy'] as { mean: number; std: number };
    const tar = r['tarAtFar'] as { tar: number }[];
    console.log(
      `| ${String(r['crop'])} | ${pct(acc.mean)} ± ${pct(acc.std)} | ${pct(tar[0]!.tar)} | ${pct(tar[1]!.tar)} | ${(r['auc'] as number).toFixed(5)} | ${String(r['failedImages'])} | ${(r['backboneMsPerImage'] as number).toFixed(1)} |`,
    );
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exitCode = 1;
});
