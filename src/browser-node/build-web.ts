/**
 * Builds the static browser demo into `web/dist/` (git-ignored): bundles the page script
 * and the library (src/browser/index.ts → pfe-browser.js) with esbuild, which takes the
 * browser counterparts of the Node-only modules (`#platform/*`, BROWSER_CONDITION), and copies the page, the tfjs models,
 * the wasm binaries, the shipped head and the LFW fixture images next to it, so the page
 * fetches nothing from another host.
 *
 * Usage: node dist/browser-node/build-web.js  (npm run build:web)
 */
import { copyFile, mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { defaultModelsDir } from '../face/runtime/model-paths.js';
import { wasmBinariesDir } from '../face/runtime/tfjs-runtime.js';
import { faceApiModelDir } from '../face/runtime/face-api-files.js';
import { SAMPLE_IMAGES, sampleUrl } from '../demo/sample-images.js';
import { DEFAULT_HEAD_FILE_NAME } from '../head/model-file.js';
import { calibrationFileNameForHead } from '../verify/calibration-content.js';

/** The calibration made with the shipped head, copied beside it for the page (src/browser/verdict.ts derives the same name). */
export const HEAD_CALIBRATION_FILE_NAME = calibrationFileNameForHead(DEFAULT_HEAD_FILE_NAME);

/** Repository root (this file compiles to <root>/dist/browser-node/). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The library bundle's name in the built site (`<name>.js`, an ES module). */
export const LIBRARY_BUNDLE_NAME = 'pfe-browser';

/** Where the static site is written. */
export const WEB_DIST = path.join(REPO_ROOT, 'web', 'dist');


/** The tfjs graph models of @vladmandic/human the browser build loads (the fallback detector pair). */
const MODEL_NAMES = ['blazeface', 'facemesh'] as const;
/** The weights of @vladmandic/face-api the browser build loads (the dlib backbone, the multi-face detector and its landmarks): manifest + bin files. */
const FACE_API_MODELS = ['face_recognition_model', 'tiny_face_detector_model', 'face_landmark_68_model'] as const;

/**
 * The package.json `imports` condition that picks the browser counterpart of each Node-only
 * module (`#platform/*`: file access, sharp, the tfjs Node set-up); Node and TypeScript's
 * Node build take the `default` target. Only this bundle asks for it.
 */
export const BROWSER_CONDITION = 'pfe-browser';

async function copyModel(name: string, from: string, to: string): Promise<void> {
  // A model is its JSON plus shards named after it (<name>.bin, <name>.bin.N, ...).
  for (const f of await readdir(from)) if (f === `${name}.json` || f.startsWith(`${name}.bin`)) await copyFile(path.join(from, f), path.join(to, f));
}

async function copyFaceApiModel(name: string, from: string, to: string): Promise<void> {
  // A face-api net is its weights manifest plus the bin files it names (<name>.bin, <name>-shardN, ...).
  for (const f of await readdir(from)) if (f === `${name}-weights_manifest.json` || f.startsWith(`${name}.bin`) || f.startsWith(`${name}-shard`)) await copyFile(path.join(from, f), path.join(to, f));
}

/** Bundles the page script and copies every asset; returns the output folder. */
export async function buildWeb(outDir: string = WEB_DIST): Promise<string> {
  const srcDir = path.join(REPO_ROOT, 'src');
  await rm(outDir, { recursive: true, force: true });
  for (const sub of ['models', 'wasm', 'samples']) await mkdir(path.join(outDir, sub), { recursive: true });
  await esbuild.build({
    // The page's script, and the library as an ES module for other pages; shared code
    // (tfjs, the models' code) goes into one chunk both import.
    entryPoints: { app: path.join(srcDir, 'browser', 'demo-page.ts'), [LIBRARY_BUNDLE_NAME]: path.join(srcDir, 'browser', 'index.ts') },
    outdir: outDir,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
    logLevel: 'warning',
    conditions: [BROWSER_CONDITION],
  });
  await copyFile(path.join(REPO_ROOT, 'web', 'index.html'), path.join(outDir, 'index.html'));
  for (const name of MODEL_NAMES) await copyModel(name, defaultModelsDir(), path.join(outDir, 'models'));
  for (const name of FACE_API_MODELS) await copyFaceApiModel(name, faceApiModelDir(), path.join(outDir, 'models'));
  for (const f of [DEFAULT_HEAD_FILE_NAME, HEAD_CALIBRATION_FILE_NAME]) await copyFile(path.join(REPO_ROOT, 'models', f), path.join(outDir, 'models', f));
  const wasmDir = wasmBinariesDir();
  for (const f of await readdir(wasmDir)) if (f.endsWith('.wasm')) await copyFile(path.join(wasmDir, f), path.join(outDir, 'wasm', f));
  for (const rel of SAMPLE_IMAGES) await copyFile(path.join(REPO_ROOT, 'fixtures', 'lfw', 'images', rel), path.join(outDir, ...sampleUrl(rel).split('/')));
  return outDir;
}

/** Bytes per top-level part of the built site (scripts without source maps, models, wasm, samples), for the build's report. */
export async function siteSizes(outDir: string): Promise<Record<string, number>> {
  const sizes: Record<string, number> = { scripts: 0, models: 0, wasm: 0, samples: 0 };
  const walk = async (dir: string, part: string | undefined): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) await walk(full, part ?? (e.name === 'chunks' ? 'scripts' : e.name));
      else if (!e.name.endsWith('.map')) {
        const key = part ?? (e.name.endsWith('.js') ? 'scripts' : 'page');
        sizes[key] = (sizes[key] ?? 0) + (await stat(full)).size;
      }
    }
  };
  await walk(outDir, undefined);
  return sizes;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const out = await buildWeb();
  const sizes = await siteSizes(out);
  const mb = (n: number): string => `${(n / 1e6).toFixed(2)} MB`;
  process.stdout.write(`built ${path.relative(process.cwd(), out) || out}: ${Object.entries(sizes).map(([k, v]) => `${k} ${mb(v)}`).join(', ')}\n`);
}
