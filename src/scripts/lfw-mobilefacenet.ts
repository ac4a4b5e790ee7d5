/**
 * MobileFaceNet (opt-in backbone, research use only) on LFW View 2: the 7,701 images of the
 * 6,000 pairs aligned with the MTCNN landmark file (×0.6 for the 150×150 copies) onto the
 * backbone's ArcFace-112 template, embedded, compared by raw cosine. Prints 10-fold accuracy
 * (each fold's threshold from the other nine), TAR at FAR 1e-3 / 1e-2 and AUC over all
 * 6,000 pairs, and CNN milliseconds per image on one core (tfjs wasm in Node runs
 * single-threaded): during the pass (batches of 8) and in a separate timing at batch 1 and 8.
 *
 *   npm run build && nice -n 5 node dist/scripts/lfw-mobilefacenet.js \
 *     [--lfw ../shared/data/lfw] [--model <mobilefacenet.json>] [--repair both|none|unfuse|negate] [--folds 10] [--out out/lfw-mobilefacenet]
 *
 * `--repair` chooses which converter faults are repaired (src/face/backbone/mobilefacenet-repair.ts);
 * anything but `both` exists to measure what each fault costs; `--folds N` keeps the pairs of
 * the first N folds (N ≥ 2), for a quicker comparison. Needs `npm run models:mobilefacenet`.
 * Progress (count, rate, ETA) goes to stderr; the summary to stdout and <out>/<repair>.json.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatDuration } from '../io/progress.js';
import { parseLfwPairs } from '../eval/lfw-protocol.js';
import { alignFaceTo } from '../face/align/align.js';
import { loadMobileFaceNet, MOBILEFACENET_DIM } from '../face/backbone/mobilefacenet.js';
import type { MobileFaceNetRepairOptions } from '../face/backbone/mobilefacenet-repair.js';
import { decodeImage } from '../face/image/decode.js';
import { loadLfwLandmarks } from '../face/landmarks-file/lfw-landmarks.js';
import { initBackend } from '../face/runtime/tfjs-runtime.js';
import type { RgbImage } from '../face/types.js';
import { kFoldAccuracy } from '../metrics/accuracy.js';
import { tarAtFar } from '../metrics/far.js';
import { rocCurve } from '../metrics/roc.js';

/** The repair variants `--repair` accepts. */
const REPAIRS: Record<string, MobileFaceNetRepairOptions> = {
  both: {},
  none: { unfuseDepthwiseRelu: false, negatePreluSlopes: false },
  unfuse: { negatePreluSlopes: false },
  negate: { unfuseDepthwiseRelu: false },
};
const FARS = [1e-3, 1e-2];
/** Faces per embed call during the pass (the backbone's default batch). */
const PASS_BATCH = 8;
/** Faces and repeats of the separate timing (best of the repeats, after one warm-up run). */
const TIMING_FACES = 64;
const TIMING_REPEATS = 3;

/** Milliseconds per face of embedding `faces` in batches of `batchSize`: best of `repeats` after a warm-up. */
async function timeEmbedding(embed: (faces: readonly RgbImage[], batchSize: number) => Promise<unknown>, faces: readonly RgbImage[], batchSize: number): Promise<number> {
  await embed(faces, batchSize);
  let best = Infinity;
  for (let r = 0; r < TIMING_REPEATS; r++) {
    const t0 = performance.now();
    await embed(faces, batchSize);
    best = Math.min(best, performance.now() - t0);
  }
  return best / faces.length;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      lfw: { type: 'string', default: path.join('..', 'shared', 'data', 'lfw') },
      model: { type: 'string' },
      repair: { type: 'string', default: 'both' },
      folds: { type: 'string', default: '10' },
      out: { type: 'string', default: path.join('out', 'lfw-mobilefacenet') },
    },
  });
  const repair = REPAIRS[values.repair];
  if (repair === undefined) throw new Error(`--repair must be one of ${Object.keys(REPAIRS).join(', ')}, got ${values.repair}`);
  const root = values.lfw;
  const foldCount = Number(values.folds);
  if (!Number.isInteger(foldCount) || foldCount < 2) throw new Error(`--folds must be an integer ≥ 2, got ${values.folds}`);
  const list = parseLfwPairs(await readFile(path.join(root, 'pairs.txt'), 'utf8')).filter((p) => p.fold < foldCount);
  const landmarks = await loadLfwLandmarks(path.join(root, 'ldmark_lfw_mtcnncaffe.txt'));
  const paths = [...new Set(list.flatMap((p) => [p.pathA, p.pathB]))];
  const rowOf = new Map(paths.map((p, i) => [p, i]));

  const info = await initBackend('wasm');
  const backbone = await loadMobileFaceNet({ ...(values.model === undefined ? {} : { modelPath: values.model }), repair });
  console.error(`backend ${info.backend}; ${list.length} pairs over ${paths.length} images; repair: ${values.repair}`);

  const mu = new Float32Array(paths.length * MOBILEFACENET_DIM);
  const started = performance.now();
  let cnnMs = 0;
  let lastReport = 0;
  let pending: RgbImage[] = [];
  let done = 0;
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const t0 = performance.now();
    const out = await backbone.embed(pending, { batchSize: PASS_BATCH });
    cnnMs += performance.now() - t0;
    mu.set(out.mu, done * MOBILEFACENET_DIM);
    done += pending.length;
    pending = [];
    const elapsed = (performance.now() - started) / 1000;
    if (elapsed - lastReport >= 10 || done === paths.length) {
      lastReport = elapsed;
      const rate = done / elapsed;
      console.error(`embed ${done}/${paths.length} (${((100 * done) / paths.length).toFixed(1)}%) ${rate.toFixed(1)}/s ETA ${formatDuration((paths.length - done) / rate)}`);
    }
  };
  for (const p of paths) {
    const points = landmarks.get(p);
    if (points === undefined) throw new Error(`no landmarks for ${p} in ldmark_lfw_mtcnncaffe.txt`);
    pending.push(alignFaceTo(await decodeImage(path.join(root, 'images', p)), points, backbone.cropTemplate).image);
    if (pending.length === 4 * PASS_BATCH) await flush();
  }
  await flush();
  const passSeconds = (performance.now() - started) / 1000;

  const scores = new Float64Array(list.length);
  const labels = new Uint8Array(list.length);
  const folds = new Int32Array(list.length);
  list.forEach((pair, k) => {
    const a = rowOf.get(pair.pathA)! * MOBILEFACENET_DIM;
    const b = rowOf.get(pair.pathB)! * MOBILEFACENET_DIM;
    let s = 0;
    for (let d = 0; d < MOBILEFACENET_DIM; d++) s += mu[a + d]! * mu[b + d]!;
    scores[k] = s;
    labels[k] = pair.genuine ? 1 : 0;
    folds[k] = pair.fold;
  });
  const accuracy = kFoldAccuracy(scores, labels, folds);
  const tar = tarAtFar(scores, labels, FARS);
  const auc = rocCurve(scores, labels).auc;
  const meanCosine = (genuine: number): number => {
    let sum = 0;
    let n = 0;
    for (let k = 0; k < scores.length; k++) {
      if (labels[k] !== genuine) continue;
      sum += scores[k]!;
      n++;
    }
    return sum / n;
  };
  const meanGenuine = meanCosine(1);
  const meanImpostor = meanCosine(0);

  // Separate timing on the first aligned faces, so the figure does not depend on decode/align.
  const timingFaces: RgbImage[] = [];
  for (const p of paths.slice(0, TIMING_FACES)) timingFaces.push(alignFaceTo(await decodeImage(path.join(root, 'images', p)), landmarks.get(p)!, backbone.cropTemplate).image);
  const embed = (faces: readonly RgbImage[], batchSize: number) => backbone.embed(faces, { batchSize });
  const msBatch1 = await timeEmbedding(embed, timingFaces, 1);
  const msBatch8 = await timeEmbedding(embed, timingFaces, PASS_BATCH);
  backbone.dispose();

  const summary = {
    backbone: 'mobilefacenet',
    repair: values.repair,
    backend: info.backend,
    folds: foldCount,
    pairs: list.length,
    images: paths.length,
    accuracy: accuracy.mean,
    accuracyStd: accuracy.std,
    foldAccuracies: Array.from(accuracy.foldAccuracies),
    tarAtFar: tar.map((t) => ({ far: t.far, tar: t.tar, achievedFar: t.achievedFar, threshold: t.threshold })),
    auc,
    meanCosine: { genuine: meanGenuine, impostor: meanImpostor },
    passSeconds,
    passCnnMsPerImage: cnnMs / paths.length,
    timing: { faces: TIMING_FACES, repeats: TIMING_REPEATS, msPerImageBatch1: msBatch1, msPerImageBatch8: msBatch8 },
  };
  await mkdir(values.out, { recursive: true });
  const file = path.join(values.out, `${values.repair}${foldCount === 10 ? '' : `-folds${foldCount}`}.json`);
  await writeFile(file, JSON.stringify(summary, null, 2) + '\n');
  console.log(
    [
      `MobileFaceNet (repair: ${values.repair}) on LFW View 2 (${foldCount} folds, ${list.length} pairs), raw cosine, MTCNN landmarks:`,
      `  ${foldCount}-fold accuracy ${(100 * accuracy.mean).toFixed(2)}% ± ${(100 * accuracy.std).toFixed(2)}`,
      ...tar.map((t) => `  TAR@FAR ${t.far}: ${(100 * t.tar).toFixed(2)}% (achieved FAR ${t.achievedFar.toFixed(5)})`),
      `  AUC ${auc.toFixed(5)}; mean cosine genuine ${meanGenuine.toFixed(4)}, impostor ${meanImpostor.toFixed(4)}`,
      `  CNN ms/image (one core, ${info.backend}): ${summary.passCnnMsPerImage.toFixed(1)} during the pass (batch ${PASS_BATCH}); ` +
        `timing best of ${TIMING_REPEATS} on ${TIMING_FACES} faces: ${msBatch1.toFixed(1)} at batch 1, ${msBatch8.toFixed(1)} at batch ${PASS_BATCH}`,
      `  whole pass (decode + align + CNN) ${formatDuration(passSeconds)}; written to ${file}`,
    ].join('\n'),
  );
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
