/**
 * Face detection on LFW: detection rate, faces per image, landmark distance to the MTCNN
 * landmarks (ldmark_lfw_mtcnncaffe.txt, 250-px frame × 0.6 for the 150-px images) and
 * detector time per image, for the new multi-face detector (src/face/detect) or the
 * BlazeFace + FaceMesh one (src/face/detect/face-detector.ts), on the wasm backend (one
 * core: tfjs-backend-wasm runs without threads in Node).
 *
 *   npm run build && nice -n 5 node dist/bench/detect-lfw.js --detector multi [--every 1] [--limit N]
 *   npm run build && nice -n 5 node dist/bench/detect-lfw.js --detector blazeface
 *   ... --blur 4   (Gaussian blur σ = 4 px on the 150-px image before detection)
 *
 * Per-image rows go to .cache/detect-lfw/<detector>.jsonl; a rerun skips the images
 * already there (resumable) and summarises all rows. Progress (count, rate, ETA) on stderr.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadMultiFaceDetector } from '../face/detect/multi-face-detector.js';
import { decodeImage } from '../face/image/decode.js';
import { loadLfwLandmarks } from '../face/landmarks-file/lfw-landmarks.js';
import { loadFaceDetector } from '../face/detect/face-detector.js';
import { initBackend } from '../face/runtime/tfjs-runtime.js';
import { pickSubjectFace } from '../face/pipeline/face-embedder.js';
import { packageRoot, sharedDataDir } from '../testing/paths.js';
import type { FaceDetection, FiveLandmarks, RgbImage } from '../face/types.js';
import { formatDuration } from '../io/progress.js';
import { applyDegradeSteps, type DegradeStep } from '../face/degrade/steps.js';

/** One image's outcome, one JSON line. */
interface Row {
  readonly image: string;
  readonly faces: number;
  /** Wall-clock milliseconds of detectFaces. */
  readonly ms: number;
  /** Process CPU milliseconds (user + system) of detectFaces: robust to other jobs sharing the cores. */
  readonly cpuMs: number;
  /** Mean distance of the five chosen-face landmarks to MTCNN's, pixels of the 150-px image (null: no face). */
  readonly meanDist: number | null;
  /** The same divided by MTCNN's inter-ocular distance. */
  readonly meanDistIod: number | null;
  readonly score: number | null;
  /** Quarter turn that found the face (multi detector only). */
  readonly turn?: number;
}

interface DetectorUnderTest {
  detectFaces(image: RgbImage): Promise<readonly (FaceDetection & { uprightTurn?: number })[]>;
  dispose(): void;
}

/** Images timed before the clock counts: the first calls compile wasm kernels and grow memory. */
const WARM_UP_IMAGES = 5;

function meanDistance(a: FiveLandmarks, b: FiveLandmarks): number {
  let s = 0;
  for (let i = 0; i < 5; i++) s += Math.hypot(a[i]!.x - b[i]!.x, a[i]!.y - b[i]!.y);
  return s / 5;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function summarise(detector: string, rows: readonly Row[]): void {
  const found = rows.filter((r) => r.faces > 0);
  const counts = new Map<number, number>();
  for (const r of rows) counts.set(r.faces, (counts.get(r.faces) ?? 0) + 1);
  const dists = found.map((r) => r.meanDist!).sort((x, y) => x - y);
  const iods = found.map((r) => r.meanDistIod!).sort((x, y) => x - y);
  const ms = rows.map((r) => r.ms).sort((x, y) => x - y);
  const cpuMs = rows.map((r) => r.cpuMs).sort((x, y) => x - y);
  const mean = (v: readonly number[]) => v.reduce((s, x) => s + x, 0) / Math.max(1, v.length);
  const turned = found.filter((r) => (r.turn ?? 0) !== 0).length;
  console.log(
    JSON.stringify({
      detector,
      images: rows.length,
      detected: found.length,
      detectionRate: found.length / Math.max(1, rows.length),
      missed: rows.filter((r) => r.faces === 0).map((r) => r.image).slice(0, 30),
      faceCounts: Object.fromEntries([...counts].sort((a, b) => a[0] - b[0])),
      foundTurned: turned,
      meanLandmarkDistPx: mean(dists),
      medianLandmarkDistPx: quantile(dists, 0.5),
      p95LandmarkDistPx: quantile(dists, 0.95),
      meanLandmarkDistIod: mean(iods),
      over10PercentIod: iods.filter((v) => v > 0.1).length,
      meanMs: mean(ms),
      medianMs: quantile(ms, 0.5),
      p95Ms: quantile(ms, 0.95),
      meanCpuMs: mean(cpuMs),
      medianCpuMs: quantile(cpuMs, 0.5),
    }),
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      detector: { type: 'string', default: 'multi' },
      every: { type: 'string', default: '1' },
      limit: { type: 'string' },
      out: { type: 'string' },
      blur: { type: 'string' },
    },
  });
  const which = values.detector;
  if (which !== 'multi' && which !== 'blazeface') throw new Error(`--detector must be multi or blazeface, got ${which}`);
  const data = sharedDataDir();
  if (data === undefined) throw new Error('../shared/data is absent (set PFE_SHARED_DATA)');
  const every = Number(values.every);
  const limit = values.limit === undefined ? Infinity : Number(values.limit);
  const lfw = path.join(data, 'lfw');
  const truth = await loadLfwLandmarks(path.join(lfw, 'ldmark_lfw_mtcnncaffe.txt'));
  // Every landmark-file image that exists (the shared copy lacks Betsy_Coffin_0001: 13,232 images).
  const names = [...truth.keys()].filter((n) => existsSync(path.join(lfw, 'images', n))).filter((_, i) => i % every === 0).slice(0, limit);
  // Optional Gaussian blur (σ in pixels of the 150-px image) before detection, as the pipeline's degrade step.
  const blur = values.blur === undefined ? 0 : Number(values.blur);
  const degrade: DegradeStep[] = blur > 0 ? [{ kind: 'blur', sigma: blur }] : [];
  const outFile = values.out ?? path.join(packageRoot, '.cache', 'detect-lfw', `${which}${every > 1 ? `-every${every}` : ''}${blur > 0 ? `-blur${blur}` : ''}.jsonl`);
  mkdirSync(path.dirname(outFile), { recursive: true });
  const rows: Row[] = existsSync(outFile)
    ? readFileSync(outFile, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Row)
    : [];
  const done = new Set(rows.map((r) => r.image));
  const todo = names.filter((n) => !done.has(n));
  const backend = await initBackend('wasm');
  console.error(`backend ${backend.backend}; ${done.size} done, ${todo.length} to do → ${outFile}`);
  const detector: DetectorUnderTest = which === 'multi' ? await loadMultiFaceDetector() : await loadFaceDetector();
  // Warm-up on the first image (not recorded).
  if (todo.length > 0) {
    const warm = await decodeImage(path.join(lfw, 'images', todo[0]!));
    for (let i = 0; i < WARM_UP_IMAGES; i++) await detector.detectFaces(warm);
  }
  const start = performance.now();
  let n = 0;
  for (const name of todo) {
    const image = await applyDegradeSteps(await decodeImage(path.join(lfw, 'images', name)), degrade, 0);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const faces = await detector.detectFaces(image);
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(c0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const face = pickSubjectFace(faces);
    const ref = truth.get(name)!;
    const iod = Math.hypot(ref[1].x - ref[0].x, ref[1].y - ref[0].y);
    const dist = face === undefined ? null : meanDistance(face.landmarks, ref);
    const row: Row = {
      image: name,
      faces: faces.length,
      ms,
      cpuMs,
      meanDist: dist,
      meanDistIod: dist === null ? null : dist / iod,
      score: face?.score ?? null,
      ...(face?.uprightTurn === undefined ? {} : { turn: face.uprightTurn }),
    };
    appendFileSync(outFile, `${JSON.stringify(row)}\n`);
    rows.push(row);
    n++;
    if (n % 250 === 0 || n === todo.length) {
      const rate = n / ((performance.now() - start) / 1000);
      console.error(`${which} ${n}/${todo.length} ${rate.toFixed(1)}/s ETA ${formatDuration((todo.length - n) / rate)}`);
    }
  }
  detector.dispose();
  summarise(which, rows.filter((r) => names.includes(r.image)));
}

await main();
