/**
 * The cosine baseline on LFW View 2 (6,000 pairs, 10 folds, threshold from the other nine),
 * with both alignment sources: the MTCNN landmark file of the reference code, and our
 * BlazeFace + FaceMesh detector. Reports raw cosine and centred cosine (the mean mu of
 * the other folds' images subtracted, then re-normalised), 10-fold accuracy and TAR at
 * FAR 1e-3 / 1e-2, the number of failed images and the embedding rate.
 *
 *   npm run build && node dist/scripts/lfw-baseline.js [--lfw ../shared/data/lfw] [--align both|landmarks|detector] [--backbone dlib|faceres|mobilefacenet]
 *
 * A pair with a failed image scores below every real score (src/eval/pair-verification.ts):
 * a genuine pair then counts as a false reject and an impostor pair as a correct reject.
 * The protocol logic lives in src/eval; `pfe eval lfw` runs the same comparison plus MLS.
 */
import { DEFAULT_BACKBONE, parseBackboneName } from '../face/backbone/names.js';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createProgress } from '../io/progress.js';
import { loadImageTable } from '../eval/image-table.js';
import { parseLfwPairs } from '../eval/lfw-protocol.js';
import { indexPairs } from '../eval/pair-verification.js';
import { evaluatePairs } from '../eval/pairs-evaluation.js';
import { loadLfwLandmarks } from '../face/landmarks-file/lfw-landmarks.js';
import { rocCurve } from '../metrics/roc.js';
import { linePlotSvg, type PlotSeries } from '../plot/index.js';
import { DEFAULT_EMBED_CACHE_DIR } from '../face/pipeline/embed-cache.js';

/** The FARs of the LFW tables in docs/RESULTS.md (TAR at FAR 1e-3 and 1e-2). */
const FARS = [1e-3, 1e-2];

type AlignSource = 'landmarks' | 'detector';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      lfw: { type: 'string', default: path.join('..', 'shared', 'data', 'lfw') },
      align: { type: 'string', default: 'both' },
      cache: { type: 'string', default: DEFAULT_EMBED_CACHE_DIR },
      out: { type: 'string', default: path.join('out', 'lfw-baseline') },
      plot: { type: 'string' },
      backbone: { type: 'string', default: DEFAULT_BACKBONE },
    },
  });
  const backbone = parseBackboneName(values.backbone);
  const root = values.lfw;
  const list = parseLfwPairs(await readFile(path.join(root, 'pairs.txt'), 'utf8'));
  const { paths, pairs } = indexPairs(list, 10);
  const files = paths.map((p) => path.join(root, 'images', p));

  const sources: AlignSource[] = values.align === 'both' ? ['landmarks', 'detector'] : [values.align as AlignSource];
  const report: Record<string, unknown>[] = [];
  const rocSeries: PlotSeries[] = [];
  for (const source of sources) {
    const landmarks = source === 'landmarks' ? await loadLfwLandmarks(path.join(root, 'ldmark_lfw_mtcnncaffe.txt')) : undefined;
    const progress = createProgress(`embed (${source})`, files.length, process.stderr);
    let last = 0;
    const started = performance.now();
    const table = await loadImageTable(files, {
      landmarkRoot: path.join(root, 'images'),
      backbone,
      ...(landmarks === undefined ? {} : { landmarks }),
      cacheDir: values.cache,
      onProgress: (n) => {
        progress.tick(n - last);
        last = n;
      },
    });
    progress.done();
    const seconds = (performance.now() - started) / 1000;
    const failures: Record<string, number> = {};
    for (const f of table.failures) failures[f.code] = (failures[f.code] ?? 0) + 1;
    // Centred cosine: the mean mu of the other folds' images (no image of the held-out fold).
    const evaluation = evaluatePairs({ pairs, table, fars: FARS });
    for (const r of evaluation.methods) {
      report.push({
        align: source,
        method: r.method,
        accuracy: r.accuracy!.mean,
        accuracyStd: r.accuracy!.std,
        foldAccuracies: r.accuracy!.perFold,
        tarAtFar: r.tarAtFar.map((t) => ({ far: t.far, tar: t.tar, achievedFar: t.achievedFar })),
        failedImages: failures,
        images: paths.length,
        embedSeconds: seconds,
        // Images not answered by an embedding folder; most may still come from the per-image cache.
        imagesEmbedded: table.provenance.embedded,
      });
      const roc = rocCurve(r.scores, pairs.labels);
      const keep = Array.from(roc.far.keys()).filter((i) => roc.far[i]! > 0);
      rocSeries.push({ name: `${r.method}, ${source === 'landmarks' ? 'MTCNN landmarks' : 'detector'}`, x: keep.map((i) => roc.far[i]!), y: keep.map((i) => roc.tar[i]!), dashed: source === 'detector' });
    }
  }
  await mkdir(values.out, { recursive: true });
  await writeFile(path.join(values.out, 'results.json'), JSON.stringify({ date: new Date().toISOString(), backbone, pairs: list.length, images: paths.length, results: report }, null, 1) + '\n');
  const svg = linePlotSvg({ title: `LFW View 2: cosine baselines (${backbone})`, xLabel: 'false accept rate', yLabel: 'true accept rate', xScale: 'log10', xDomain: [1e-4, 1], yDomain: [0.4, 1], legend: 'bottom-right', series: rocSeries });
  await writeFile(values.plot ?? path.join(values.out, 'roc.svg'), svg);

  const pct = (x: number): string => (100 * x).toFixed(2);
  console.log('| alignment | method | 10-fold accuracy (%) | TAR@FAR=1e-3 (%) | TAR@FAR=1e-2 (%) | failed images | wall time (s) |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of report) {
    const t = r['tarAtFar'] as { tar: number }[];
    console.log(
      `| ${String(r['align'])} | ${String(r['method'])} | ${pct(r['accuracy'] as number)} ± ${pct(r['accuracyStd'] as number)} | ${pct(t[0]!.tar)} | ${pct(t[1]!.tar)} | ` +
        `${JSON.stringify(r['failedImages'])} | ${(r['embedSeconds'] as number).toFixed(0)} |`,
    );
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exitCode = 1;
});
