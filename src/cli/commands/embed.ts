import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PfeError } from '../../core/errors.js';
import { deriveSeed } from '../../core/random.js';
import { MU_FILE, POOLED_GLOBAL_FILE, POOLED_GRID_FILE } from '../../io/embedding-folder.js';
import { type EmbeddingIndexImage, writeEmbeddingFolderIndex } from '../../io/embedding-folder-index.js';
import { writeNpyFile } from '../../io/npy-file.js';
import { parseDegradeSpec } from '../../face/degrade/spec.js';
import type { DegradeStep } from '../../face/degrade/steps.js';
import { DEFAULT_EMBED_CACHE_DIR, EmbedCache, PIPELINE_VERSION } from '../../face/pipeline/embed-cache.js';
import { embedImages } from '../../face/pipeline/embed-images.js';
import type { EmbeddedFace, EmbedRequest, EmbedResult } from '../../face/pipeline/face-embedder.js';
import { writeHeadOutputs } from '../../head/embed-head-outputs.js';
import { findDefaultHead } from '../../head/model-file.js';
import { loadHeadBinding } from '../../head/head-binding.js';
import { backboneOptionHelp, resolveBackbone } from '../../face/backbone/names.js';
import { fnv1a32, IMAGE_EXTENSIONS, landmarkKey, listImageFiles } from '../../face/pipeline/image-files.js';
import { choiceOption, integerOption, parseCommandArgs, requireOption } from '../args.js';
import { landmarkScaleHelp, landmarkScaleChoice, loadFittedLandmarks } from '../landmark-options.js';
import { type CliCommand, UsageError } from '../command.js';
import { createProgress } from '../../io/progress.js';

const OPTIONS = {
  out: { type: 'string', short: 'o' },
  landmarks: { type: 'string' },
  'landmark-scale': { type: 'string' },
  root: { type: 'string' },
  degrade: { type: 'string' },
  seed: { type: 'string' },
  cache: { type: 'string' },
  'no-cache': { type: 'boolean' },
  workers: { type: 'string' },
  batch: { type: 'string' },
  backend: { type: 'string' },
  head: { type: 'string' },
  'no-head': { type: 'boolean' },
  backbone: { type: 'string' },
} as const;

const usage = `Usage: pfe embed <files or folders...> --out <dir> [options]

Embeds every face image: decode (JPEG/PNG/WebP), find the face (BlazeFace + FaceMesh)
or take its landmarks from a file, align it onto the backbone's 5-point crop template, and
run the backbone. Folders are walked recursively for .jpg/.jpeg/.png/.webp files.

Writes into <dir>:
  mu.npy              N×D float32, one L2-normalised embedding per embedded image
  pooled_global.npy   N×C float32, the raw (un-normalised) global average of the last conv map
  pooled_grid2x2.npy  N×4C float32, its 2×2 average pooling (uncertainty-head input)
  index.json          the backbone and pipeline version, then every input: path, status, row
                      in the .npy files, or the reason it failed (code + message), detector
                      score, landmarks used and their source

Images that fail (unreadable, corrupt, too large, no face) are recorded with their reason
and the run goes on; the exit code is 1 when any failed. Results are cached per image, so
an interrupted run resumes where it stopped.

Options:
  -o, --out <dir>          output folder (created)
${backboneOptionHelp('      ', 21)}
      --landmarks <file>   5-point landmark file in the LFW MTCNN format
                           ('Person/Person_0001.jpg x1..x5 y1..y5'); images not in it use the detector
${landmarkScaleHelp(6, 27)}
      --root <dir>         landmark keys are paths relative to this folder
                           (default: the last two path components, as in LFW)
      --degrade <spec>     degrade every image first, e.g. 'blur:2', 'scale:0.25+jpeg:30', 'level:3'
                           (see pfe degrade --help)
      --seed <N>           base seed of the degradations (default 0); each image gets its own
                           seed derived from this and its path
      --cache <dir>        per-image cache folder (default ${DEFAULT_EMBED_CACHE_DIR})
      --no-cache           neither read nor write the cache
      --workers <n>        worker threads (default: one per core; 0 = in this thread)
      --batch <n>          faces per backbone call (default 8)
      --backend <name>     wasm (default) or cpu
      --head <file>        uncertainty head (.pfehead): also write sigma_sq.npy (N×D) and mu_centred.npy
                           (mu minus the head's training mean, re-normalised; use it with sigma_sq.npy)
                           (default: the head shipped in models/ for the backbone, when present)
      --no-head            do not apply a head`;

/** Writes mu.npy, the pooled features and index.json for the results; returns the number of failures. */
async function writeOutputs(outDir: string, files: readonly string[], results: readonly EmbedResult[], meta: Record<string, unknown>): Promise<number> {
  const ok = results.filter((r) => r.status === 'ok');
  const first = ok[0];
  const dim = first?.mu.length ?? 0;
  const channels = first?.pooledGlobal.length ?? 0;
  const mu = new Float32Array(ok.length * dim);
  const pooledGlobal = new Float32Array(ok.length * channels);
  const pooledGrid = new Float32Array(ok.length * 4 * channels);
  const images: EmbeddingIndexImage[] = [];
  let row = 0;
  for (let i = 0; i < files.length; i++) {
    const r = results[i]!;
    if (r.status === 'failed') {
      images.push({ path: files[i]!, status: 'failed', code: r.code, reason: r.reason });
      continue;
    }
    mu.set(r.mu, row * dim);
    pooledGlobal.set(r.pooledGlobal, row * channels);
    pooledGrid.set(r.pooledGrid2x2, row * 4 * channels);
    images.push({
      path: files[i]!,
      status: 'ok',
      row,
      landmarkSource: r.landmarkSource,
      detectorScore: r.detectorScore,
      faceCount: r.faceCount,
      landmarks: r.landmarks,
      imageWidth: r.imageWidth,
      imageHeight: r.imageHeight,
    });
    row++;
  }
  await mkdir(outDir, { recursive: true });
  await writeNpyFile(path.join(outDir, MU_FILE), [ok.length, dim], mu);
  await writeNpyFile(path.join(outDir, POOLED_GLOBAL_FILE), [ok.length, channels], pooledGlobal);
  await writeNpyFile(path.join(outDir, POOLED_GRID_FILE), [ok.length, 4 * channels], pooledGrid);
  // index.json last: its presence says the .npy files beside it are complete.
  await writeEmbeddingFolderIndex(outDir, { ...meta, count: ok.length, dim, images });
  return files.length - ok.length;
}

/** `pfe embed <inputs...> --out DIR`: image files to face embeddings. */
const embed: CliCommand = {
  summary: 'embed face images (detect or use landmarks, align, backbone) into mu.npy + index.json',
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, OPTIONS);
    if (positionals.length === 0) throw new UsageError('name at least one image file or folder');
    const outDir = requireOption(values.out, 'out');
    const scaleChoice = landmarkScaleChoice(values['landmark-scale']);
    const seed = integerOption(values.seed, 'seed', { min: 0, max: 0xffffffff }, 0);
    const workers = values.workers === undefined ? undefined : integerOption(values.workers, 'workers', { min: 0, max: 64 }, 0);
    const batchSize = integerOption(values.batch, 'batch', { min: 1, max: 256 }, 8);
    const backend = choiceOption(values.backend, 'backend', ['wasm', 'cpu'] as const, 'wasm');
    let degrade: DegradeStep[] | undefined;
    if (values.degrade !== undefined) {
      try {
        degrade = parseDegradeSpec(values.degrade);
      } catch (e) {
        if (e instanceof PfeError) throw new UsageError(`--degrade: ${e.message}`);
        throw e;
      }
    }

    // An explicit head decides the backbone unless --backbone names one (then they must agree).
    const givenHead = values['no-head'] === true || values.head === undefined ? undefined : { ...(await loadHeadBinding(values.head)), file: values.head };
    const backbone = resolveBackbone(values.backbone, givenHead === undefined ? undefined : { backbone: givenHead.head.backbone, what: `head ${givenHead.file}` });
    const shippedHead = values['no-head'] === true || givenHead !== undefined ? undefined : findDefaultHead(backbone);
    const head = givenHead ?? (shippedHead === undefined ? undefined : { ...(await loadHeadBinding(shippedHead)), file: shippedHead });
    const files = await listImageFiles(positionals);
    if (files.length === 0) throw new PfeError('EMPTY_INPUT', `no image files (${IMAGE_EXTENSIONS.join(' ')}) under ${positionals.join(' ')}`);
    const targets = files.map((file) => ({ key: landmarkKey(file, values.root), file }));
    const landmarkMap =
      values.landmarks === undefined ? undefined : await loadFittedLandmarks(values.landmarks, targets, scaleChoice, (line) => process.stderr.write(`pfe embed: ${line}\n`));
    const requests: EmbedRequest[] = targets.map(({ key, file }) => {
      const landmarks = landmarkMap?.get(key);
      return {
        path: file,
        ...(landmarks === undefined ? {} : { landmarks }),
        ...(degrade === undefined ? {} : { degrade, seed: deriveSeed(seed, fnv1a32(key)) }),
      };
    });
    const fromFile = requests.filter((r) => r.landmarks !== undefined).length;

    const progress = createProgress('pfe embed', files.length, process.stderr);
    const started = performance.now();
    const results = await embedImages(requests, {
      backbone,
      backend,
      batchSize,
      ...(workers === undefined ? {} : { workers }),
      ...(values['no-cache'] === true ? {} : { cache: new EmbedCache(values.cache ?? DEFAULT_EMBED_CACHE_DIR) }),
      onProgress: (n) => progress.tick(n),
    });
    progress.done();
    const seconds = (performance.now() - started) / 1000;

    const headInfo = head === undefined ? null : await writeHeadOutputs(outDir, results.filter((r): r is EmbeddedFace => r.status === 'ok'), head.head, head.file, head.identity, backend);
    const failed = await writeOutputs(outDir, files, results, {
      head: headInfo,
      backbone,
      pipelineVersion: PIPELINE_VERSION,
      landmarksFile: values.landmarks ?? null,
      landmarkScale: values.landmarks === undefined ? null : scaleChoice.kind === 'auto' ? 'auto' : scaleChoice.scale,
      degrade: values.degrade ?? null,
      seed: degrade === undefined ? null : seed,
    });
    process.stderr.write(
      `pfe embed: ${files.length - failed}/${files.length} images embedded (${fromFile} with file landmarks) in ${seconds.toFixed(1)} s ` +
        `(${(files.length / seconds).toFixed(1)} images/s incl. cache hits) -> ${outDir}\n`,
    );
    if (failed > 0) {
      const reasons = new Map<string, number>();
      for (const r of results) if (r.status === 'failed') reasons.set(r.code, (reasons.get(r.code) ?? 0) + 1);
      process.stderr.write(`pfe embed: ${failed} failed: ${[...reasons].map(([c, n]) => `${c} ×${n}`).join(', ')} (details in index.json)\n`);
      if (reasons.has('NO_FACE')) {
        process.stderr.write(
          'pfe embed: NO_FACE: the detector found no face; use photos where one face is clearly visible and roughly frontal, ' +
            'or give its 5 landmarks with --landmarks\n',
        );
      }
      return 1;
    }
    return 0;
  },
};

export default embed;
