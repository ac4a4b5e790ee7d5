import { cosinePairs } from '../../core/cosine.js';
import { gaussianBatch } from '../../core/embedding.js';
import { fuseGroups } from '../../core/fusion.js';
import { mlsPairs } from '../../core/mls.js';
import { tarAtFar } from '../../metrics/far.js';
import { syntheticImages } from '../../demo/synthetic-faces.js';
import { findDefaultHead } from '../../head/model-file.js';
import { integerOption, parseCommandArgs } from '../args.js';
import type { CliCommand } from '../command.js';
import { runRealFaceDemo } from './demo-real-faces.js';

const OPTIONS = { seed: { type: 'string' }, dim: { type: 'string' }, 'synthetic-only': { type: 'boolean' } } as const;

const usage = `Usage: pfe demo [--seed N] [--dim D] [--synthetic-only]

First, real faces: a few LFW photos shipped with the package, clean and degraded, through
detection, alignment, the default backbone and the shipped uncertainty head: cosine and
MLS with their calibrated verdicts at FAR 1e-3, each image's σ², what they mean, and where
MLS and σ² help in this example and where they do not.

Then an end-to-end run of the probabilistic scoring core on generated data with a known,
perfectly calibrated uncertainty (see src/demo/synthetic-faces.ts): images of
identities degrade towards one shared featureless point, as blurred faces do.
Shows (1) the blurry-image dilemma: mean genuine (clean vs degraded, same identity) and
impostor (degraded vs degraded, different identities) scores per degradation level,
for cosine and MLS; (2) verification TAR at FAR on mixed-quality pairs; (3) templates
of several images fused by plain averaging vs by uncertainty.
That part is generated data, where the true uncertainty is known.

Options:
  --seed <N>   seed of the generator (default 1)
  --dim <D>    embedding dimension of the generated part (default 128)
  --synthetic-only  skip the real-face part (no model loading)`;

const LEVELS = [0, 0.25, 0.5, 0.75, 1];

function mean(a: Float64Array): number {
  let s = 0;
  for (const v of a) s += v;
  return s / a.length;
}

const demo: CliCommand = {
  summary: 'a short end-to-end demo: real faces with the shipped head, then MLS vs cosine and fusion on generated data',
  usage,
  async run(argv) {
    const { values } = parseCommandArgs(argv, OPTIONS);
    const seed = integerOption(values.seed, 'seed', { min: 0, max: 0xffffffff }, 1);
    const dim = integerOption(values.dim, 'dim', { min: 2, max: 4096 }, 128);
    const out = (s: string): void => void process.stdout.write(s + '\n');
    const identities = 400;

    if (values['synthetic-only'] !== true) await runRealFaceDemo(findDefaultHead(), out);

    // (1) The dilemma: per level, 400 genuine pairs (clean vs degraded) and 400 impostor pairs (degraded vs degraded).
    out(`Generated embeddings with a known uncertainty: D = ${dim}, seed ${seed}\n`);
    out('1. Blurry-image dilemma: mean score of genuine pairs (clean vs degraded image, same identity)');
    out('   and impostor pairs (two degraded images, different identities), per degradation level u');
    out('   u     cosine genuine  cosine impostor   MLS genuine   MLS impostor');
    for (const u of LEVELS) {
      const plan = [];
      for (let k = 0; k < identities; k++) plan.push({ identity: k, degradation: 0 }, { identity: k, degradation: u });
      const imgs = syntheticImages(seed + Math.round(u * 100), dim, identities, plan);
      const batch = gaussianBatch(imgs.mu, imgs.sigmaSq, dim);
      const gA = Int32Array.from({ length: identities }, (_, k) => 2 * k);
      const gB = Int32Array.from({ length: identities }, (_, k) => 2 * k + 1);
      const iA = gB;
      const iB = Int32Array.from({ length: identities }, (_, k) => 2 * ((k + 1) % identities) + 1);
      const row = [cosinePairs(batch, batch, gA, gB), cosinePairs(batch, batch, iA, iB), mlsPairs(batch, batch, gA, gB), mlsPairs(batch, batch, iA, iB)].map(mean);
      const flagCos = row[1]! > row[0]! ? ' <- cosine: impostors above genuine' : '';
      const flagMls = row[3]! > row[2]! ? ' <- MLS: impostors above genuine' : '';
      out(`   ${u.toFixed(2)}  ${row[0]!.toFixed(3).padStart(14)}  ${row[1]!.toFixed(3).padStart(15)}  ${row[2]!.toFixed(1).padStart(12)}  ${row[3]!.toFixed(1).padStart(13)}${flagCos}${flagMls}`);
    }

    // (2) Mixed-quality verification: each identity has 4 images at degradations cycling through LEVELS.
    const perId = 4;
    const plan = [];
    for (let k = 0; k < identities; k++) for (let j = 0; j < perId; j++) plan.push({ identity: k, degradation: LEVELS[(k + 2 * j) % LEVELS.length]! });
    const imgs = syntheticImages(seed + 7, dim, identities, plan);
    const batch = gaussianBatch(imgs.mu, imgs.sigmaSq, dim);
    const a: number[] = [];
    const b: number[] = [];
    const labels: number[] = [];
    for (let i = 0; i < plan.length; i++) {
      for (let j = i + 1; j < plan.length; j++) {
        const genuine = imgs.identity[i] === imgs.identity[j];
        if (!genuine && (i * 7919 + j) % 50 !== 0) continue; // keep 1 impostor pair in 50: ~25,000 impostors
        a.push(i);
        b.push(j);
        labels.push(genuine ? 1 : 0);
      }
    }
    const ia = Int32Array.from(a);
    const ib = Int32Array.from(b);
    const lab = Uint8Array.from(labels);
    const fars = [1e-3, 1e-2];
    const cos = tarAtFar(cosinePairs(batch, batch, ia, ib), lab, fars);
    const mls = tarAtFar(mlsPairs(batch, batch, ia, ib), lab, fars);
    out(`\n2. Verification on mixed-quality images: ${lab.filter((l) => l === 1).length} genuine and ${lab.filter((l) => l === 0).length} impostor pairs`);
    out('   metric   TAR@FAR=1e-3   TAR@FAR=1e-2');
    out(`   cosine   ${(100 * cos[0]!.tar).toFixed(1).padStart(11)}%  ${(100 * cos[1]!.tar).toFixed(1).padStart(12)}%`);
    out(`   MLS      ${(100 * mls[0]!.tar).toFixed(1).padStart(11)}%  ${(100 * mls[1]!.tar).toFixed(1).padStart(12)}%`);

    // (3) Templates: each identity's 4 images split 2/2 into a probe and a gallery template.
    const probeGroups = Array.from({ length: identities }, (_, k) => Uint32Array.from([k * perId, k * perId + 1]));
    const galleryGroups = Array.from({ length: identities }, (_, k) => Uint32Array.from([k * perId + 2, k * perId + 3]));
    const pa = Int32Array.from({ length: identities * identities }, (_, p) => Math.floor(p / identities));
    const pb = Int32Array.from({ length: identities * identities }, (_, p) => p % identities);
    const tl = Uint8Array.from(pa, (v, p) => (v === pb[p] ? 1 : 0));
    out(`\n3. Templates of 2 images (probe) vs 2 other images (gallery) of each identity: ${identities} genuine, ${identities * (identities - 1)} impostor comparisons`);
    out('   fusion + metric           TAR@FAR=1e-3   TAR@FAR=1e-2');
    for (const [name, rule, metric] of [
      ['mean of mu + cosine', 'mean', 'cosine'],
      ['PFE product + MLS', 'product', 'mls'],
      ['PFE min (reference) + MLS', 'min', 'mls'],
    ] as const) {
      const probes = fuseGroups(batch, probeGroups, rule);
      const gallery = fuseGroups(batch, galleryGroups, rule);
      const s = metric === 'cosine' ? cosinePairs(probes, gallery, pa, pb) : mlsPairs(probes, gallery, pa, pb);
      const t = tarAtFar(s, tl, fars);
      out(`   ${name.padEnd(26)}${(100 * t[0]!.tar).toFixed(1).padStart(11)}%  ${(100 * t[1]!.tar).toFixed(1).padStart(12)}%`);
    }
    return 0;
  },
};

export default demo;
