/**
 * LFW experiments of the uncertainty head on cached features (.cache/lfw/{clean,level2,level4},
 * written by `pfe embed --landmarks ... [--degrade level:N]`).
 *
 *   node <build>/scripts/lfw-head-experiment.js validate [options]
 *     train on LFW View 1 peopleDevTrain, evaluate on pairsDevTest (people disjoint): the
 *     model-selection protocol LFW prescribes, so View 2 folds stay untouched for testing.
 *   node <build>/scripts/lfw-head-experiment.js train-folds --folds 0,1,... [options]
 *     one head per held-out View 2 set (trained on the other nine), saved as fold-<f>.pfehead
 *     (skipped when present, so two processes can share the folds).
 *   node <build>/scripts/lfw-head-experiment.js evaluate-folds [options]
 *     out-of-fold verification on View 2 (pairs of fold f scored by head f, threshold from the
 *     other folds' pairs scored by the same head): centred cosine vs MLS on clean pairs and on
 *     mixed pairs (second image replaced by its level-4 copy), and the harmonic-mean σ² of
 *     set f's images at each degradation level.
 *
 * Options: --cache .cache/lfw --lfw ../shared/data/lfw --out out/head/<name> --input mu
 * --sigma scalar --sampler mixed --degraded-per-identity 1 --hidden 256 --output-dim 256
 * --steps 3000 --variants level2,level4 --impostor-weight 0 --verification-weight 0
 * --verification-temperature 0.1 --seed 0 --backend wasm; validate --spread-powers 2,3 also scores
 * the head with its σ² range widened (sigma-spread.ts), evaluate-folds --spread K scores the
 * fold heads widened by K (results in folds-spreadK.json); evaluate-folds --mixed level4,motion
 * names the degraded caches scored as mixed (clean vs degraded) and both-degraded pairs. --variants names any embedding folders
 * of the cache (level2, motion, mask, ...), each a degraded copy of the clean images.
 * The learning rate drops from 1e-3 to 1e-4 at 2/3 of the steps (step 2000 of 3000, as the reference).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cosinePairs } from '../core/cosine.js';
import { uncertaintyScores } from '../core/uncertainty.js';
import { INDEX_FILE } from '../io/embedding-folder-index.js';
import { mlsPairs } from '../core/mls.js';
import { parseLfwPairs, parseLfwPeople, type LfwPair } from '../eval/lfw-protocol.js';
import { initBackend } from '../face/runtime/tfjs-runtime.js';
import { applyHead, type HeadEmbeddings } from '../head/head-inference.js';
import type { HeadInputKind, UncertaintyHead } from '../head/head-model.js';
import { loadHeadFile, saveHeadFile } from '../head/model-file.js';
import { spreadSigma } from '../head/sigma-spread.js';
import { accuracyAtThreshold, bestThresholdAccuracy } from '../metrics/accuracy.js';
import { tarAtFar } from '../metrics/far.js';
import { rocCurve } from '../metrics/roc.js';
import { buildTrainingSet, identityOfKey, loadFeatureFolder, type FeatureFolder } from '../train/feature-folders.js';
import { lossCurveCsv, lossCurveSvg } from '../train/loss-curve.js';
import { DEFAULT_TRAIN_CONFIG, trainHead, type TrainConfig } from '../train/train-run.js';

/** Score of a pair with a missing image: below any cosine and any MLS we produce. */
const MISSING_PAIR_SCORE = -1e30;
const FARS = [1e-3, 1e-2];

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    cache: { type: 'string', default: path.join('.cache', 'lfw') },
    lfw: { type: 'string', default: path.join('..', 'shared', 'data', 'lfw') },
    out: { type: 'string', default: path.join('out', 'head', 'default') },
    input: { type: 'string', default: 'mu' },
    sigma: { type: 'string', default: 'scalar' },
    sampler: { type: 'string', default: 'mixed' },
    'degraded-per-identity': { type: 'string', default: '1' },
    hidden: { type: 'string', default: String(DEFAULT_TRAIN_CONFIG.hiddenDim) },
    'output-dim': { type: 'string', default: String(DEFAULT_TRAIN_CONFIG.outputDim) },
    steps: { type: 'string', default: '3000' },
    variants: { type: 'string', default: 'level2,level4' },
    'impostor-weight': { type: 'string', default: '0' },
    'verification-weight': { type: 'string', default: '0' },
    'verification-temperature': { type: 'string', default: String(DEFAULT_TRAIN_CONFIG.verificationTemperature) },
    seed: { type: 'string', default: '0' },
    folds: { type: 'string', default: '0,1,2,3,4,5,6,7,8,9' },
    backend: { type: 'string', default: 'wasm' },
    'no-centre': { type: 'boolean', default: false },
    'spread-powers': { type: 'string', default: '' },
    mixed: { type: 'string', default: 'level4' },
    spread: { type: 'string', default: '1' },
  },
});

const inputKind = values.input as HeadInputKind;
const steps = Number(values.steps);
const config: TrainConfig = {
  ...DEFAULT_TRAIN_CONFIG,
  steps,
  learningRateBoundaries: [Math.round((2 * steps) / 3)],
  sigmaMode: values.sigma === 'per-dimension' ? 'per-dimension' : 'scalar',
  samplerMode: values.sampler === 'pooled' ? 'pooled' : 'mixed',
  degradedPerIdentity: Number(values['degraded-per-identity']),
  hiddenDim: Number(values.hidden),
  outputDim: Number(values['output-dim']),
  impostorWeight: Number(values['impostor-weight']),
  verificationWeight: Number(values['verification-weight']),
  verificationTemperature: Number(values['verification-temperature']),
  seed: Number(values.seed),
  centreMu: !values['no-centre'],
};
const variantNames = values.variants === '' ? [] : values.variants.split(',');

interface Folders {
  clean: FeatureFolder;
  variants: FeatureFolder[];
  level: Map<string, FeatureFolder>;
}

async function loadFolders(): Promise<Folders> {
  const clean = await loadFeatureFolder(path.join(values.cache, 'clean'), inputKind);
  const level = new Map<string, FeatureFolder>();
  for (const name of ['level2', 'level4']) {
    const dir = path.join(values.cache, name);
    if (existsSync(path.join(dir, INDEX_FILE))) level.set(name, await loadFeatureFolder(dir, inputKind));
  }
  const variants: FeatureFolder[] = [];
  for (const n of variantNames) {
    const dir = path.join(values.cache, n);
    if (!existsSync(path.join(dir, 'index.json'))) throw new Error(`variant folder ${n} is not in ${values.cache} (no index.json yet)`);
    variants.push(level.get(n) ?? (await loadFeatureFolder(dir, inputKind)));
  }
  return { clean, variants, level };
}

async function train(folders: Folders, identities: Set<string>, file: string, tag: Record<string, unknown>): Promise<UncertaintyHead> {
  const set = buildTrainingSet(folders.clean, folders.variants, identities, tag);
  const t0 = performance.now();
  const outcome = await trainHead(set, config, {
    onStep(row, result) {
      if (row.step % 250 === 0) {
        const verification = config.verificationWeight > 0 ? ` verification ${result.verificationLoss.toFixed(3)} active impostors ${(100 * result.activeImpostorShare).toFixed(1)}%` : '';
        process.stderr.write(`${path.basename(file)} step ${row.step}/${steps} loss ${row.genuineLoss.toFixed(1)}${verification} σ² ${row.meanSigmaSq.toExponential(2)} ${(row.step / row.seconds).toFixed(2)} steps/s\n`);
      }
    },
  });
  await saveHeadFile(file, outcome.head);
  await writeFile(`${file}.loss.csv`, lossCurveCsv(outcome.curve));
  await writeFile(`${file}.loss.svg`, lossCurveSvg(outcome.curve, path.basename(file)));
  process.stderr.write(`${path.basename(file)}: ${steps} steps in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  return outcome.head;
}

/** Head outputs for the given image keys of one folder; missing keys get a zero row and missing[k] = 1. */
function embedKeys(head: UncertaintyHead, folder: FeatureFolder, keys: readonly string[]): { e: HeadEmbeddings; missing: Uint8Array; uncertainty: Float64Array } {
  const c = folder.inputDim;
  const d = folder.muDim;
  const mu = new Float32Array(keys.length * d);
  const feats = new Float32Array(keys.length * c);
  const missing = new Uint8Array(keys.length);
  keys.forEach((k, i) => {
    const r = folder.rowOfKey.get(k);
    if (r === undefined) {
      missing[i] = 1;
      mu[i * d] = 1; // a valid unit row; its pairs are overwritten with MISSING_PAIR_SCORE
      return;
    }
    mu.set(folder.mu.subarray(r * d, (r + 1) * d), i * d);
    feats.set(folder.features.subarray(r * c, (r + 1) * c), i * c);
  });
  const e = applyHead(head, mu, feats);
  const uncertainty = uncertaintyScores(e);
  for (let i = 0; i < keys.length; i++) if (missing[i]) uncertainty[i] = Number.NaN;
  return { e, missing, uncertainty };
}

/** Centred-cosine and MLS scores of pairs (A from folder a, B from folder b) under one head. */
function scorePairs(head: UncertaintyHead, pairs: readonly LfwPair[], a: FeatureFolder, b: FeatureFolder): { cosine: Float64Array; mls: Float64Array } {
  const keysA = [...new Set(pairs.map((p) => p.pathA))];
  const keysB = [...new Set(pairs.map((p) => p.pathB))];
  const ea = embedKeys(head, a, keysA);
  const eb = embedKeys(head, b, keysB);
  const ia = new Map(keysA.map((k, i) => [k, i]));
  const ib = new Map(keysB.map((k, i) => [k, i]));
  const idxA = Int32Array.from(pairs, (p) => ia.get(p.pathA)!);
  const idxB = Int32Array.from(pairs, (p) => ib.get(p.pathB)!);
  const batchA = { count: ea.e.count, dim: ea.e.dim, mu: ea.e.mu, sigmaSq: ea.e.sigmaSq };
  const batchB = { count: eb.e.count, dim: eb.e.dim, mu: eb.e.mu, sigmaSq: eb.e.sigmaSq };
  const cosine = cosinePairs(batchA, batchB, idxA, idxB);
  const mls = mlsPairs(batchA, batchB, idxA, idxB);
  for (let k = 0; k < pairs.length; k++) {
    if (ea.missing[idxA[k]!] || eb.missing[idxB[k]!]) cosine[k] = mls[k] = MISSING_PAIR_SCORE;
  }
  return { cosine, mls };
}

/** Mean harmonic σ² per level over `keys`, and the share of images whose σ² rises clean → level2 → level4. */
function ladder(head: UncertaintyHead, folders: Folders, keys: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  const levels: [string, FeatureFolder][] = [['clean', folders.clean], ...[...folders.level.entries()]];
  const uncertainties = levels.map(([, f]) => embedKeys(head, f, keys).uncertainty);
  levels.forEach(([name], j) => {
    const v = uncertainties[j]!.filter((x) => Number.isFinite(x));
    out[`meanHarmonicSigmaSq_${name}`] = v.reduce((s, x) => s + x, 0) / v.length;
  });
  if (uncertainties.length === 3) {
    let rising = 0;
    let n = 0;
    for (let i = 0; i < keys.length; i++) {
      const [c, l2, l4] = [uncertainties[0]![i]!, uncertainties[1]![i]!, uncertainties[2]![i]!];
      if (!Number.isFinite(c) || !Number.isFinite(l2) || !Number.isFinite(l4)) continue;
      n++;
      if (c < l2 && l2 < l4) rising++;
    }
    out['shareRisingMonotonically'] = rising / n;
    out['images'] = n;
  }
  return out;
}

function meanFinite(values: Float64Array): number {
  const v = values.filter((x) => Number.isFinite(x));
  return v.reduce((a, b) => a + b, 0) / v.length;
}

function summarise(scores: Float64Array, labels: Uint8Array): Record<string, number> {
  const best = bestThresholdAccuracy(scores, labels);
  return { auc: rocCurve(scores, labels).auc, bestAccuracy: best.accuracy, ...Object.fromEntries(tarAtFar(scores, labels, FARS).map((t) => [`tar@${t.far}`, t.tar])) };
}

async function validate(): Promise<void> {
  const folders = await loadFolders();
  const trainPeople = parseLfwPeople(await readFile(path.join(values.lfw, 'peopleDevTrain.txt'), 'utf8'))[0]!;
  const testPeople = parseLfwPeople(await readFile(path.join(values.lfw, 'peopleDevTest.txt'), 'utf8'))[0]!;
  const pairs = parseLfwPairs(await readFile(path.join(values.lfw, 'pairsDevTest.txt'), 'utf8'));
  await mkdir(values.out, { recursive: true });
  const file = path.join(values.out, 'view1.pfehead');
  const head = existsSync(file) ? await loadHeadFile(file) : await train(folders, new Set(trainPeople.map((p) => p.name)), file, { protocol: 'LFW View 1 peopleDevTrain' });
  const labels = Uint8Array.from(pairs, (p) => (p.genuine ? 1 : 0));
  const testNames = new Set(testPeople.map((p) => p.name));
  const trainNames = new Set(trainPeople.map((p) => p.name));
  const evaluate = (h: UncertaintyHead): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    const pairSets: [string, FeatureFolder][] = [['clean', folders.clean], ...[...folders.level.entries()].map(([n, f]): [string, FeatureFolder] => [`mixed-${n}`, f])];
    for (const [name, bFolder] of pairSets) {
      const s = scorePairs(h, pairs, folders.clean, bFolder);
      out[name] = { centredCosine: summarise(s.cosine, labels), mls: summarise(s.mls, labels) };
    }
    const level4 = folders.level.get('level4');
    if (level4 !== undefined) {
      // The dilemma: genuine = clean vs level 4, impostor = level 4 vs level 4.
      const g = scorePairs(h, pairs, folders.clean, level4);
      const i = scorePairs(h, pairs, level4, level4);
      const pick = (m: 'cosine' | 'mls'): Float64Array => Float64Array.from(pairs, (p, k) => (p.genuine ? g[m][k]! : i[m][k]!));
      out['dilemma-level4'] = { centredCosine: summarise(pick('cosine'), labels), mls: summarise(pick('mls'), labels) };
    }
    out['ladder'] = ladder(h, folders, [...folders.clean.rowOfKey.keys()].filter((k) => testNames.has(identityOfKey(k))));
    return out;
  };
  const result: Record<string, unknown> = { config, inputKind, variants: variantNames, ...evaluate(head) };
  // σ² spread (sigma-spread.ts) around the training people's mean clean σ², per power.
  const powers = values['spread-powers'] === '' ? [] : values['spread-powers'].split(',').map(Number);
  if (powers.length > 0) {
    const reference = meanFinite(embedKeys(head, folders.clean, [...folders.clean.rowOfKey.keys()].filter((k) => trainNames.has(identityOfKey(k)))).uncertainty);
    result['spread'] = Object.fromEntries(powers.map((k) => [String(k), { reference, ...evaluate(spreadSigma(head, k, reference)) }]));
  }
  await writeFile(path.join(values.out, 'validate.json'), JSON.stringify(result, null, 1) + '\n');
  console.log(JSON.stringify(result));
}

async function trainFolds(): Promise<void> {
  const folders = await loadFolders();
  const sets = parseLfwPeople(await readFile(path.join(values.lfw, 'people.txt'), 'utf8'));
  await mkdir(values.out, { recursive: true });
  for (const f of values.folds.split(',').map(Number)) {
    const file = path.join(values.out, `fold-${f}.pfehead`);
    if (existsSync(file)) continue;
    await train(folders, new Set(sets.flatMap((s, i) => (i === f ? [] : s.map((p) => p.name)))), file, { protocol: `LFW View 2, people sets except ${f}`, heldOutSet: f });
  }
}

async function evaluateFolds(): Promise<void> {
  const folders = await loadFolders();
  const sets = parseLfwPeople(await readFile(path.join(values.lfw, 'people.txt'), 'utf8'));
  const pairs = parseLfwPairs(await readFile(path.join(values.lfw, 'pairs.txt'), 'utf8'));
  const labels = Uint8Array.from(pairs, (p) => (p.genuine ? 1 : 0));
  const folds = Int32Array.from(pairs, (p) => p.fold);
  const available = sets.map((_, f) => f).filter((f) => existsSync(path.join(values.out, `fold-${f}.pfehead`)));
  // Per degraded cache: mixed (clean photo vs degraded photo) and both (two degraded photos).
  const conditions: [string, FeatureFolder, FeatureFolder][] = [['clean', folders.clean, folders.clean]];
  for (const name of values.mixed === '' ? [] : values.mixed.split(',')) {
    const dir = path.join(values.cache, name);
    if (!existsSync(path.join(dir, 'index.json'))) throw new Error(`--mixed: no embedding folder ${dir}`);
    const folder = folders.level.get(name) ?? (await loadFeatureFolder(dir, inputKind));
    conditions.push([`mixed-${name}`, folders.clean, folder], [`both-${name}`, folder, folder]);
  }
  const perFold: Record<string, unknown>[] = [];
  const pooled: Record<string, { cosine: Float64Array; mls: Float64Array }> = {};
  for (const [name] of conditions) pooled[name] = { cosine: new Float64Array(pairs.length).fill(Number.NaN), mls: new Float64Array(pairs.length).fill(Number.NaN) };
  for (const f of available) {
    const trained = await loadHeadFile(path.join(values.out, `fold-${f}.pfehead`));
    const power = Number(values.spread);
    const names = new Set(sets[f]!.map((p) => p.name));
    // The spread's reference: the mean clean σ² of the images the head was trained on (the other nine sets).
    const trainingReference = (): number => meanFinite(embedKeys(trained, folders.clean, [...folders.clean.rowOfKey.keys()].filter((k) => !names.has(identityOfKey(k)))).uncertainty);
    const head = power === 1 ? trained : spreadSigma(trained, power, trainingReference());
    const row: Record<string, unknown> = { fold: f };
    for (const [name, aFolder, bFolder] of conditions) {
      const s = scorePairs(head, pairs, aFolder, bFolder);
      for (const method of ['cosine', 'mls'] as const) {
        const sc = s[method];
        const trainIdx = pairs.map((_, k) => k).filter((k) => folds[k] !== f);
        const testIdx = pairs.map((_, k) => k).filter((k) => folds[k] === f);
        const th = bestThresholdAccuracy(Float64Array.from(trainIdx, (k) => sc[k]!), Uint8Array.from(trainIdx, (k) => labels[k]!)).threshold;
        row[`${name}/${method}`] = accuracyAtThreshold(Float64Array.from(testIdx, (k) => sc[k]!), Uint8Array.from(testIdx, (k) => labels[k]!), th);
        for (const k of testIdx) pooled[name]![method][k] = sc[k]!;
      }
    }
    row['ladder'] = ladder(head, folders, [...folders.clean.rowOfKey.keys()].filter((k) => names.has(identityOfKey(k))));
    perFold.push(row);
    process.stderr.write(`${JSON.stringify(row)}\n`);
  }
  const summary: Record<string, unknown> = { folds: available, config: (await loadHeadFile(path.join(values.out, `fold-${available[0]}.pfehead`))).training['config'] };
  const inFolds = pairs.map((_, k) => k).filter((k) => available.includes(folds[k]!));
  for (const [name] of conditions) {
    for (const method of ['cosine', 'mls'] as const) {
      const accs = perFold.map((r) => r[`${name}/${method}`] as number);
      const mean = accs.reduce((s, v) => s + v, 0) / accs.length;
      const sc = Float64Array.from(inFolds, (k) => pooled[name]![method][k]!);
      const lb = Uint8Array.from(inFolds, (k) => labels[k]!);
      summary[`${name}/${method}`] = {
        meanAccuracy: mean,
        stdAccuracy: Math.sqrt(accs.reduce((s, v) => s + (v - mean) ** 2, 0) / accs.length),
        ...Object.fromEntries(tarAtFar(sc, lb, FARS).map((t) => [`tar@${t.far}`, t.tar])),
      };
    }
  }
  const ladderKeys = Object.keys((perFold[0]!['ladder'] as Record<string, number>) ?? {});
  summary['ladderMeanOverFolds'] = Object.fromEntries(ladderKeys.map((k) => [k, perFold.reduce((s, r) => s + (r['ladder'] as Record<string, number>)[k]!, 0) / perFold.length]));
  summary['perFold'] = perFold;
  await writeFile(path.join(values.out, Number(values.spread) === 1 ? 'folds.json' : `folds-spread${values.spread}.json`), JSON.stringify(summary, null, 1) + '\n');
  console.log(JSON.stringify({ ...summary, perFold: undefined }, null, 1));
}

async function main(): Promise<void> {
  await initBackend(values.backend === 'cpu' ? 'cpu' : 'wasm');
  const mode = positionals[0];
  if (mode === 'validate') await validate();
  else if (mode === 'train-folds') await trainFolds();
  else if (mode === 'evaluate-folds') await evaluateFolds();
  else throw new Error(`mode must be validate, train-folds or evaluate-folds, got '${mode ?? ''}'`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exitCode = 1;
});
