/**
 * The cosine baseline on LFW View 2 (6,000 pairs, 10 folds, threshold from the other nine),
 * with both alignment sources: the MTCNN landmark file of the reference code, and our
 * BlazeFace + FaceMesh detector. Reports raw cosine and centred cosine (the mean mu of
 * the other folds' images subtracted, then re-normalised), 10-fold accuracy and TAR at
 * FAR 1e-3 / 1e-2, the number of failed images and the embedding rate.
 *
 *   npm run build && node dist/experiments/lfw-baseline.js [--lfw ../shared/data/lfw] [--align both|landmarks|detector]
 *
 * A pair with a failed image scores FAILED_PAIR_SCORE (below every cosine): a genuine pair
 * then counts as a false reject and an impostor pair as a correct reject.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cosinePairs } from '../core/cosine.js';
import { createProgress } from '../cli/progress.js';
import { evaluateFoldedVerification, type FoldedVerification } from '../eval/folded-verification.js';
import { parseLfwPairs, type LfwPair } from '../eval/lfw-protocol.js';
import { loadLfwLandmarks } from '../face/landmarks-file/lfw-landmarks.js';
import { EmbedCache } from '../face/pipeline/embed-cache.js';
import { embedImages } from '../face/pipeline/embed-images.js';
import type { EmbedResult } from '../face/pipeline/face-embedder.js';
import { rocCurve } from '../metrics/roc.js';
import { linePlotSvg, type PlotSeries } from '../plot/index.js';

/** Score given to a pair whose image failed: cosine lies in [−1, 1], so −2 rejects it at any threshold. */
export const FAILED_PAIR_SCORE = -2;
/** The FARs the issue asks for. */
const FARS = [1e-3, 1e-2];
const FOLDS = 10;

type AlignSource = 'landmarks' | 'detector';

interface Embedded {
  readonly dim: number;
  /** Row-major, one L2-normalised row per image of `paths` (zeros for failed images). */
  readonly mu: Float32Array;
  readonly failed: Uint8Array;
  readonly failures: Record<string, number>;
  readonly seconds: number;
  readonly computed: number;
}

async function embedAll(root: string, paths: readonly string[], source: AlignSource, landmarkFile: string, cacheDir: string): Promise<Embedded> {
  const landmarks = source === 'landmarks' ? await loadLfwLandmarks(landmarkFile) : undefined;
  const requests = paths.map((p) => {
    const l = landmarks?.get(p);
    return { path: path.join(root, 'images', p), ...(l === undefined ? {} : { landmarks: l }) };
  });
  const progress = createProgress(`embed (${source})`, paths.length, process.stderr);
  let hits = 0;
  const started = performance.now();
  const results: EmbedResult[] = await embedImages(requests, {
    cache: new EmbedCache(cacheDir),
    onProgress: (n) => progress.tick(n),
    onCacheHits: (n) => (hits = n),
  });
  progress.done();
  const seconds = (performance.now() - started) / 1000;
  const dim = results.find((r) => r.status === 'ok')?.mu.length ?? 0;
  const mu = new Float32Array(paths.length * dim);
  const failed = new Uint8Array(paths.length);
  const failures: Record<string, number> = {};
  results.forEach((r, i) => {
    if (r.status === 'ok') mu.set(r.mu, i * dim);
    else {
      failed[i] = 1;
      failures[r.code] = (failures[r.code] ?? 0) + 1;
    }
  });
  return { dim, mu, failed, failures, seconds, computed: paths.length - hits };
}

/** Rows centred by `mean` and re-normalised (mean: length dim). */
function centred(mu: Float32Array, dim: number, mean: Float64Array): Float32Array {
  const out = new Float32Array(mu.length);
  for (let r = 0; r < mu.length / dim; r++) {
    let norm = 0;
    for (let l = 0; l < dim; l++) {
      const v = mu[r * dim + l]! - mean[l]!;
      out[r * dim + l] = v;
      norm += v * v;
    }
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let l = 0; l < dim; l++) out[r * dim + l]! *= inv;
  }
  return out;
}

function pairScores(mu: Float32Array, dim: number, e: Embedded, a: Int32Array, b: Int32Array): Float64Array {
  const batch = { count: mu.length / dim, dim, mu };
  const scores = cosinePairs(batch, batch, a, b);
  for (let k = 0; k < a.length; k++) if (e.failed[a[k]!] === 1 || e.failed[b[k]!] === 1) scores[k] = FAILED_PAIR_SCORE;
  return scores;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      lfw: { type: 'string', default: path.join('..', 'shared', 'data', 'lfw') },
      align: { type: 'string', default: 'both' },
      cache: { type: 'string', default: path.join('.cache', 'embed') },
      out: { type: 'string', default: path.join('out', 'lfw-baseline') },
      plot: { type: 'string' },
    },
  });
  const root = values.lfw;
  const pairs: LfwPair[] = parseLfwPairs(await readFile(path.join(root, 'pairs.txt'), 'utf8'));
  const paths = [...new Set(pairs.flatMap((p) => [p.pathA, p.pathB]))].sort();
  const rowOf = new Map(paths.map((p, i) => [p, i]));
  const a = Int32Array.from(pairs, (p) => rowOf.get(p.pathA)!);
  const b = Int32Array.from(pairs, (p) => rowOf.get(p.pathB)!);
  const labels = Uint8Array.from(pairs, (p) => (p.genuine ? 1 : 0));
  const folds = Int32Array.from(pairs, (p) => p.fold);
  // Images used by each fold's pairs (LFW View 2 folds are person-disjoint).
  const foldOfImage = new Int32Array(paths.length).fill(-1);
  pairs.forEach((p, k) => {
    foldOfImage[a[k]!] = p.fold;
    foldOfImage[b[k]!] = p.fold;
  });

  const sources: AlignSource[] = values.align === 'both' ? ['landmarks', 'detector'] : [values.align as AlignSource];
  const report: Record<string, unknown>[] = [];
  const rocSeries: PlotSeries[] = [];
  for (const source of sources) {
    const e = await embedAll(root, paths, source, path.join(root, 'ldmark_lfw_mtcnncaffe.txt'), values.cache);
    const raw = pairScores(e.mu, e.dim, e, a, b);
    const rawResult = evaluateFoldedVerification(labels, folds, FOLDS, () => raw, FARS);
    const centredResult = evaluateFoldedVerification(labels, folds, FOLDS, (held) => {
      const mean = new Float64Array(e.dim);
      let n = 0;
      for (let i = 0; i < paths.length; i++) {
        if (foldOfImage[i] === held || e.failed[i] === 1) continue;
        for (let l = 0; l < e.dim; l++) mean[l]! += e.mu[i * e.dim + l]!;
        n++;
      }
      for (let l = 0; l < e.dim; l++) mean[l]! /= n;
      return pairScores(centred(e.mu, e.dim, mean), e.dim, e, a, b);
    }, FARS);
    const row = (method: string, r: FoldedVerification): Record<string, unknown> => ({
      align: source,
      method,
      accuracy: r.meanAccuracy,
      accuracyStd: r.stdAccuracy,
      foldAccuracies: r.foldAccuracies,
      tarAtFar: r.tarAtFar.map((t) => ({ far: t.far, tar: t.tar, achievedFar: t.achievedFar })),
      failedImages: e.failures,
      images: paths.length,
      embedSeconds: e.seconds,
      imagesEmbedded: e.computed,
      imagesPerSecond: e.computed > 0 ? e.computed / e.seconds : null,
    });
    report.push(row('cosine', rawResult), row('centred cosine', centredResult));
    for (const [name, r] of [
      ['cosine', rawResult],
      ['centred cosine', centredResult],
    ] as const) {
      const roc = rocCurve(r.heldOutScores, labels);
      const keep = Array.from(roc.far.keys()).filter((i) => roc.far[i]! > 0);
      rocSeries.push({ name: `${name}, ${source === 'landmarks' ? 'MTCNN landmarks' : 'detector'}`, x: keep.map((i) => roc.far[i]!), y: keep.map((i) => roc.tar[i]!), dashed: source === 'detector' });
    }
  }
  await mkdir(values.out, { recursive: true });
  await writeFile(path.join(values.out, 'results.json'), JSON.stringify({ date: new Date().toISOString(), pairs: pairs.length, images: paths.length, results: report }, null, 1) + '\n');
  const svg = linePlotSvg({ title: 'LFW View 2: cosine baselines (faceres)', xLabel: 'false accept rate', yLabel: 'true accept rate', xScale: 'log10', xDomain: [1e-4, 1], yDomain: [0.4, 1], legend: 'bottom-right', series: rocSeries });
  await writeFile(values.plot ?? path.join(values.out, 'roc.svg'), svg);

  const pct = (x: number): string => (100 * x).toFixed(2);
  console.log('| alignment | method | 10-fold accuracy (%) | TAR@FAR=1e-3 (%) | TAR@FAR=1e-2 (%) | failed images | embed rate (images/s) |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of report) {
    const t = r['tarAtFar'] as { tar: number }[];
    const rate = r['imagesPerSecond'] as number | null;
    console.log(
      `| ${String(r['align'])} | ${String(r['method'])} | ${pct(r['accuracy'] as number)} ± ${pct(r['accuracyStd'] as number)} | ${pct(t[0]!.tar)} | ${pct(t[1]!.tar)} | ` +
        `${JSON.stringify(r['failedImages'])} | ${rate === null ? 'cached' : `${rate.toFixed(1)} (${String(r['imagesEmbedded'])} images in ${(r['embedSeconds'] as number).toFixed(0)} s)`} |`,
    );
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exitCode = 1;
});
