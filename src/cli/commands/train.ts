import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PfeError } from '../../core/errors.js';
import { parseLfwPeople } from '../../eval/lfw-protocol.js';
import { initBackend } from '../../face/runtime/tfjs-runtime.js';
import { HEAD_INPUT_KINDS } from '../../head/head-model.js';
import { saveHeadFile } from '../../head/model-file.js';
import { loadCheckpoint, saveCheckpoint } from '../../train/checkpoint.js';
import { buildTrainingSet, loadFeatureFolder } from '../../train/feature-folders.js';
import { lossCurveCsv, lossCurveSvg } from '../../train/loss-curve.js';
import { DEFAULT_TRAIN_CONFIG, trainHead, type TrainConfig, type TrainState } from '../../train/train-run.js';
import { choiceOption, integerOption, numberOption, parseCommandArgs, requireOption } from '../args.js';
import { type CliCommand, UsageError } from '../command.js';
import { createProgress } from '../../io/progress.js';

const D = DEFAULT_TRAIN_CONFIG;

const OPTIONS = {
  clean: { type: 'string' },
  degraded: { type: 'string', multiple: true },
  out: { type: 'string', short: 'o' },
  input: { type: 'string' },
  sigma: { type: 'string' },
  steps: { type: 'string' },
  lr: { type: 'string' },
  'lr-steps': { type: 'string' },
  identities: { type: 'string' },
  'per-identity': { type: 'string' },
  'degraded-per-identity': { type: 'string' },
  sampler: { type: 'string' },
  hidden: { type: 'string' },
  'output-dim': { type: 'string' },
  'no-centre': { type: 'boolean' },
  momentum: { type: 'string' },
  'weight-decay': { type: 'string' },
  'impostor-weight': { type: 'string' },
  'verification-weight': { type: 'string' },
  'verification-temperature': { type: 'string' },
  seed: { type: 'string' },
  people: { type: 'string' },
  'exclude-sets': { type: 'string' },
  checkpoint: { type: 'string' },
  'checkpoint-every': { type: 'string' },
  resume: { type: 'boolean' },
  backend: { type: 'string' },
} as const;

const usage = `Usage: pfe train --clean <dir> [--degraded <dir>]... --out <head.pfehead> [options]

Trains the PFE uncertainty head on cached backbone features (folders written by
\`pfe embed\`): batches of P identities × K images, loss = mean −MLS over the batch's
genuine pairs, momentum SGD. Identity = the image's folder name; rows of the degraded
folders are matched to the clean folder by the image's last two path components.

Writes <out> (the head), <out>.loss.csv and <out>.loss.svg (the loss curve).

Options:
  --clean <dir>              embedding folder of the clean images (required)
  --degraded <dir>           embedding folder of degraded copies (repeatable; e.g. --degrade level:4)
  -o, --out <file>           head file to write (required)
  --input <kind>             head input: ${HEAD_INPUT_KINDS.join(', ')} (default pooled_global: best on LFW View 1
                             validation, docs/RESULTS.md)
  --sigma <mode>             scalar (one σ² per image, default) or per-dimension
  --steps <n>                training steps (default ${D.steps})
  --lr <a,b,...>             learning rates of the stages (default ${D.learningRates.join(',')})
  --lr-steps <s,...>         first step of each later stage (default ${D.learningRateBoundaries.join(',')})
  --identities <P>           identities per batch (default ${D.identitiesPerBatch})
  --per-identity <K>         samples per identity (default ${D.samplesPerIdentity})
  --degraded-per-identity <m> degraded copies among the K (default ${D.degradedPerIdentity}; 0 = clean only)
  --sampler <mode>           mixed (K−m clean images + m degraded copies, default) or pooled
                             (every copy a sample of its own: the literal recipe)
  --hidden <H>               width of the first FC layer (default ${D.hiddenDim})
  --output-dim <O>           width of the second FC layer, scalar mode (default ${D.outputDim})
  --no-centre                do not centre mu (default: subtract the training mean, re-normalise)
  --momentum <μ>             (default ${D.momentum})
  --weight-decay <wd>        L2 on the FC weights (default ${D.weightDecay})
  --impostor-weight <λ>      add λ·mean softplus(MLS_impostor − mean MLS_genuine) (default 0 = off)
  --verification-weight <w>  add w·(logistic loss of every batch pair's MLS against the batch
                             threshold, genuine and impostor, clean and degraded) (default 0 = off;
                             measured in docs/RESULTS.md "Uncertainty on dlib": no better than off)
  --verification-temperature <f>  its temperature as a fraction of the batch's impostor–genuine
                             gap (default ${D.verificationTemperature})
  --seed <n>                 seed of the initial weights and of every batch (default ${D.seed})
  --people <file>            LFW people.txt (person-disjoint sets), with --exclude-sets
  --exclude-sets <i,j>       leave out the people of these 0-based sets (e.g. the test fold)
  --checkpoint <dir>         write a checkpoint folder every --checkpoint-every steps (default 500)
  --resume                   continue from --checkpoint (same settings required)
  --backend <name>           tfjs backend for the matrix products: wasm (default) or cpu`;

function numberList(value: string | undefined, name: string, fallback: readonly number[]): number[] {
  if (value === undefined) return [...fallback];
  if (value.trim() === '') return [];
  return value.split(',').map((v) => numberOption(v, name, { min: 0 }, 0));
}

/** `pfe train`: trains an uncertainty head on cached features. */
const train: CliCommand = {
  summary: 'train the uncertainty head (MLS on genuine pairs) on cached features from pfe embed',
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, OPTIONS);
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const cleanDir = requireOption(values.clean, 'clean');
    const out = requireOption(values.out, 'out');
    const inputKind = choiceOption(values.input, 'input', HEAD_INPUT_KINDS, 'pooled_global');
    const config: TrainConfig = {
      ...D,
      steps: integerOption(values.steps, 'steps', { min: 1 }, D.steps),
      learningRates: numberList(values.lr, 'lr', D.learningRates),
      learningRateBoundaries: numberList(values['lr-steps'], 'lr-steps', D.learningRateBoundaries),
      identitiesPerBatch: integerOption(values.identities, 'identities', { min: 1 }, D.identitiesPerBatch),
      samplesPerIdentity: integerOption(values['per-identity'], 'per-identity', { min: 2 }, D.samplesPerIdentity),
      degradedPerIdentity: integerOption(values['degraded-per-identity'], 'degraded-per-identity', { min: 0 }, D.degradedPerIdentity),
      samplerMode: choiceOption(values.sampler, 'sampler', ['mixed', 'pooled'] as const, D.samplerMode),
      sigmaMode: choiceOption(values.sigma, 'sigma', ['scalar', 'per-dimension'] as const, D.sigmaMode),
      hiddenDim: integerOption(values.hidden, 'hidden', { min: 1 }, D.hiddenDim),
      outputDim: integerOption(values['output-dim'], 'output-dim', { min: 1 }, D.outputDim),
      centreMu: values['no-centre'] !== true,
      momentum: numberOption(values.momentum, 'momentum', { min: 0, max: 1 }, D.momentum),
      weightDecay: numberOption(values['weight-decay'], 'weight-decay', { min: 0 }, D.weightDecay),
      impostorWeight: numberOption(values['impostor-weight'], 'impostor-weight', { min: 0 }, D.impostorWeight),
      verificationWeight: numberOption(values['verification-weight'], 'verification-weight', { min: 0 }, D.verificationWeight),
      verificationTemperature: numberOption(values['verification-temperature'], 'verification-temperature', { min: 1e-6 }, D.verificationTemperature),
      seed: integerOption(values.seed, 'seed', { min: 0, max: 0xffffffff }, D.seed),
    };
    if (config.learningRates.length !== config.learningRateBoundaries.length + 1) {
      throw new UsageError(`--lr has ${config.learningRates.length} rates, so --lr-steps needs ${config.learningRates.length - 1} steps`);
    }
    let identities: Set<string> | undefined;
    let excluded: number[] = [];
    if (values['exclude-sets'] !== undefined) {
      const peopleFile = requireOption(values.people, 'people');
      const sets = parseLfwPeople(await readFile(peopleFile, 'utf8'));
      excluded = values['exclude-sets'].split(',').map((s) => integerOption(s, 'exclude-sets', { min: 0, max: sets.length - 1 }, 0));
      identities = new Set(sets.flatMap((set, i) => (excluded.includes(i) ? [] : set.map((p) => p.name))));
    }
    const backend = choiceOption(values.backend, 'backend', ['wasm', 'cpu'] as const, 'wasm');
    await initBackend(backend);

    const clean = await loadFeatureFolder(cleanDir, inputKind);
    const variants = await Promise.all((values.degraded ?? []).map((d) => loadFeatureFolder(d, inputKind)));
    const set = buildTrainingSet(clean, variants, identities, { excludedPeopleSets: excluded, peopleFile: values.people ?? null });
    process.stderr.write(
      `pfe train: ${String(set.description['images'])} images of ${String(set.description['identities'])} identities, ` +
        `${String(set.description['degradedCopies'])} degraded copies, input ${inputKind} (${set.inputDim})\n`,
    );
    const checkpointDir = values.checkpoint;
    let resume: TrainState | undefined;
    if (values.resume === true) {
      if (checkpointDir === undefined) throw new UsageError('--resume needs --checkpoint <dir>');
      const saved = await loadCheckpoint(checkpointDir);
      if (JSON.stringify(saved.config) !== JSON.stringify(config)) {
        throw new PfeError('INVALID_ARGUMENT', `checkpoint ${checkpointDir} was written with other settings; resume with the same options`);
      }
      resume = saved.state;
      process.stderr.write(`pfe train: resuming at step ${resume.step}\n`);
    }
    const progress = createProgress('pfe train', config.steps - (resume?.step ?? 0), process.stderr);
    let lastLog = 0;
    const outcome = await trainHead(set, config, {
      onStep(row) {
        progress.tick();
        // Non-terminal logs get a line every 100 steps (the progress line is silent there).
        if (!process.stderr.isTTY && (row.step % 100 === 0 || row.step === config.steps)) {
          const rate = (row.step - (resume?.step ?? 0)) / row.seconds;
          process.stderr.write(`step ${row.step}/${config.steps} loss ${row.genuineLoss.toFixed(1)} mean σ² ${row.meanSigmaSq.toExponential(3)} ${rate.toFixed(2)} steps/s ETA ${((config.steps - row.step) / rate).toFixed(0)} s\n`);
        }
        lastLog = row.step;
      },
      ...(checkpointDir === undefined
        ? {}
        : { checkpointEvery: integerOption(values['checkpoint-every'], 'checkpoint-every', { min: 1 }, 500), onCheckpoint: (s: TrainState) => saveCheckpoint(checkpointDir, s, config) }),
      ...(resume === undefined ? {} : { resume }),
    });
    progress.done();
    await saveHeadFile(out, outcome.head);
    await writeFile(`${out}.loss.csv`, lossCurveCsv(outcome.curve));
    await writeFile(`${out}.loss.svg`, lossCurveSvg(outcome.curve, `uncertainty head: ${path.basename(out)}`));
    process.stderr.write(`pfe train: ${lastLog} steps in ${outcome.seconds.toFixed(1)} s -> ${out} (+ .loss.csv, .loss.svg)\n`);
    return 0;
  },
};

export default train;
