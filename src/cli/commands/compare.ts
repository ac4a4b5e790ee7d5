import { FaceEmbedder, type EmbeddedFace, type EmbedResult } from '../../face/pipeline/face-embedder.js';
import { failureMessage } from '../../face/pipeline/failure-messages.js';
import { compareFaces, type Comparison } from '../../head/compare-faces.js';
import { landmarkKey } from '../../face/pipeline/image-files.js';
import { findDefaultHead } from '../../head/model-file.js';
import { backboneOptionHelp, resolveBackbone } from '../../face/backbone/names.js';
import { decideBoth, type VerdictPolicies } from '../../face-pfe/verdicts.js';
import { headVerdicts } from '../head-verdicts.js';
import { PfeError, type PfeErrorCode } from '../../core/errors.js';
import { describeDecision } from '../../verify/decision.js';
import { loadHeadBinding } from '../../head/head-binding.js';
import { choiceOption, parseCommandArgs } from '../args.js';
import { type CliCommand, UsageError } from '../command.js';
import { comparePairsFrom, type ImagePair } from '../compare-pairs.js';
import { landmarkScaleHelp, landmarkScaleChoice, loadFittedLandmarks } from '../landmark-options.js';

const OPTIONS = {
  head: { type: 'string' },
  backbone: { type: 'string' },
  pairs: { type: 'string' },
  root: { type: 'string' },
  landmarks: { type: 'string' },
  'landmark-scale': { type: 'string' },
  backend: { type: 'string' },
  json: { type: 'boolean' },
} as const;

const usage = `Usage: pfe compare <a.jpg> <b.jpg> [<c.jpg> <d.jpg> ...] [--pairs FILE] [options]

Embeds the faces (detect or use landmarks, align, backbone), applies the uncertainty head
and prints the cosine similarity, the mutual likelihood score (MLS) and each image's
uncertainty. Cosine and MLS use mu centred by the head's training mean (as the head was
trained); the raw cosine of the backbone is printed too.
Uncertainty = harmonic mean of σ² over the dimensions (the paper's risk-control measure):
lower means more certain.
When the head has a calibration beside it (calibration-<head name>.json, made with that
very file; the shipped head has one), two verdicts at FAR 1e-3 follow, one on MLS and one
on cosine: the estimated false-accept rate of the score and whether the pair is accepted.

Several pairs in one call load the models once (they take seconds; each further pair costs
only its embedding): give the images two at a time (a b c d = pairs a–b and c–d) and/or a
pair file. The time per pair goes to stderr. An image that fails (no face, not an image)
fails its pairs; the others are still compared, and the exit code is 1.

Options:
  --pairs <file>         more pairs, one per line: pathA<TAB>pathB ('#' comments; further
                         columns ignored, so a pfe eval pairs file works); relative paths are
                         relative to --root, default the pair file's folder
  --root <dir>           folder the pair file's paths are relative to
  --head <file>          uncertainty head (.pfehead; default: the head shipped in models/ for the backbone);
                         its backbone is the one run
${backboneOptionHelp('  ', 21)}
  --landmarks <file>     5-point landmark file in the LFW MTCNN format (default: detect faces)
${landmarkScaleHelp(2, 25)}
  --backend <name>       wasm (default) or cpu
  --json                 print one JSON object per pair (one per line) instead of text`;

export { type Comparison, compareFaces, headInputOf } from '../../head/compare-faces.js';

/** One pair's outcome: the comparison and verdicts, or why an image failed. */
type PairOutcome =
  | { readonly pair: ImagePair; readonly comparison: Comparison; readonly verdicts: ReturnType<typeof decide> }
  | { readonly pair: ImagePair; readonly failure: { readonly path: string; readonly code: PfeErrorCode; readonly message: string } };

function decide(verdicts: VerdictPolicies | undefined, c: Comparison) {
  return verdicts === undefined ? undefined : decideBoth(verdicts, c);
}

/** `pfe compare a b [c d ...] [--pairs FILE]`: cosine, MLS, uncertainties and verdicts of face pairs, models loaded once. */
const compare: CliCommand = {
  summary: 'compare face images in pairs: cosine, MLS, the uncertainty (harmonic-mean σ²) of each, calibrated verdicts',
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, OPTIONS);
    const pairs = await comparePairsFrom(positionals, values.pairs, values.root);
    const headFile = values.head ?? findDefaultHead(resolveBackbone(values.backbone));
    if (headFile === undefined) throw new UsageError(`no --head given and no head shipped in models/ for backbone ${resolveBackbone(values.backbone)}; train one with pfe train`);
    const backend = choiceOption(values.backend, 'backend', ['wasm', 'cpu'] as const, 'wasm');
    const files = [...new Set(pairs.flatMap((p) => [p.a, p.b]))];
    const targets = files.map((file) => ({ key: landmarkKey(file, undefined), file }));
    const landmarks =
      values.landmarks === undefined
        ? undefined
        : await loadFittedLandmarks(values.landmarks, targets, landmarkScaleChoice(values['landmark-scale']), (line) => process.stderr.write(`pfe compare: ${line}\n`));

    const loadStart = performance.now();
    const binding = await loadHeadBinding(headFile);
    const head = binding.head;
    const verdicts = await headVerdicts(headFile, binding.identity.sha256);
    const backbone = resolveBackbone(values.backbone, { backbone: head.backbone, what: `head ${headFile}` });
    const embedder = await FaceEmbedder.load({ backbone, backend });
    const loadSeconds = (performance.now() - loadStart) / 1000;
    const embedStart = performance.now();
    let results: EmbedResult[];
    try {
      results = await embedder.embedBatch(
        targets.map(({ key, file }) => {
          const l = landmarks?.get(key);
          return { path: file, ...(l === undefined ? {} : { landmarks: l }) };
        }),
      );
    } finally {
      embedder.dispose();
    }
    const byFile = new Map(files.map((f, i) => [f, results[i]!]));
    const outcomes: PairOutcome[] = pairs.map((pair) => {
      for (const f of [pair.a, pair.b]) {
        const r = byFile.get(f)!;
        if (r.status === 'failed') return { pair, failure: { path: f, code: r.code, message: imageFailureText(r.code, f, r.reason) } };
      }
      const comparison = compareFaces(head, byFile.get(pair.a) as EmbeddedFace, byFile.get(pair.b) as EmbeddedFace);
      return { pair, comparison, verdicts: decide(verdicts, comparison) };
    });
    const embedSeconds = (performance.now() - embedStart) / 1000;

    // One pair keeps the single-pair behaviour: a failed image is an error (exit 1) with its reason.
    const only = outcomes.length === 1 ? outcomes[0]! : undefined;
    if (only !== undefined && 'failure' in only) throw new PfeError(only.failure.code, only.failure.message, { path: only.failure.path });

    if (values.json === true) {
      for (const o of outcomes) {
        const body = 'failure' in o ? { error: o.failure } : { ...o.comparison, ...(o.verdicts === undefined ? {} : { verdicts: o.verdicts }) };
        process.stdout.write(JSON.stringify({ a: o.pair.a, b: o.pair.b, head: headFile, ...body }) + '\n');
      }
    } else if (only !== undefined && !('failure' in only)) {
      process.stdout.write(singlePairText(only.pair, headFile, head.architecture, only.comparison, only.verdicts));
    } else {
      process.stdout.write(pairTable(outcomes, headFile, verdicts !== undefined));
    }
    process.stderr.write(
      `pfe compare: models loaded in ${loadSeconds.toFixed(1)} s; ${files.length} images embedded and ${pairs.length} pair${pairs.length === 1 ? '' : 's'} compared in ` +
        `${embedSeconds.toFixed(1)} s (${(embedSeconds / pairs.length).toFixed(2)} s per pair)\n`,
    );
    return outcomes.some((o) => 'failure' in o) ? 1 : 0;
  },
};

/** What to tell the user about an image that failed: one plain sentence naming the file once. */
export function imageFailureText(code: PfeErrorCode, file: string, reason: string): string {
  if (code === 'IO_ERROR') return /ENOENT/.test(reason) ? `${file} does not exist.` : `${file} cannot be read (${plainReason(reason, file)}).`;
  return failureMessage(code, file, plainReason(reason, file));
}

/**
 * The library's reason without the file path in front or inside (the message names the file
 * once already), e.g. "no face found in x.jpg" → "no face found".
 */
function plainReason(reason: string, file: string): string {
  return reason.split(` ${file}`).join('').split(`${file}: `).join('');
}

function singlePairText(pair: ImagePair, headFile: string, arch: { inputKind: string; sigmaMode: string }, c: Comparison, decisions: ReturnType<typeof decide>): string {
  return (
    [
      `a: ${pair.a}`,
      `b: ${pair.b}`,
      `head: ${headFile} (${arch.inputKind}, ${arch.sigmaMode} σ²)`,
      `cosine (centred mu)  ${c.cosine.toFixed(4)}`,
      `cosine (raw mu)      ${c.rawCosine.toFixed(4)}`,
      `MLS (nats)           ${c.mls.toFixed(1)}`,
      `uncertainty a        ${c.uncertaintyA.toExponential(3)}  (harmonic-mean σ², lower = more certain)`,
      `uncertainty b        ${c.uncertaintyB.toExponential(3)}`,
      ...(decisions === undefined
        ? ['verdict              none (no calibration made with this head beside it)']
        : [`verdict on MLS       ${describeDecision(decisions.mls)}`, `verdict on cosine    ${describeDecision(decisions.cosine)}`]),
    ].join('\n') + '\n'
  );
}

/** One line per pair: the scores, both uncertainties and both verdicts (or why it failed). */
function pairTable(outcomes: readonly PairOutcome[], headFile: string, calibrated: boolean): string {
  const verdict = (d: { match: boolean } | undefined): string => (d === undefined ? '-' : d.match ? 'same' : 'different');
  const lines = [
    `head: ${headFile}; uncertainty = harmonic-mean σ² (lower = more certain)` +
      (calibrated ? '; verdicts at FAR 1e-3 (same / different person)' : '; no verdicts (no calibration made with this head beside it)'),
    ['a', 'b', 'cosine', 'raw cos', 'MLS', 'unc a', 'unc b', 'on MLS', 'on cosine'].join('\t'),
  ];
  for (const o of outcomes) {
    if ('failure' in o) {
      lines.push(`${o.pair.a}\t${o.pair.b}\tfailed: ${o.failure.code}: ${o.failure.message}`);
      continue;
    }
    const c = o.comparison;
    lines.push(
      [o.pair.a, o.pair.b, c.cosine.toFixed(4), c.rawCosine.toFixed(4), c.mls.toFixed(1), c.uncertaintyA.toExponential(3), c.uncertaintyB.toExponential(3), verdict(o.verdicts?.mls), verdict(o.verdicts?.cosine)].join(
        '\t',
      ),
    );
  }
  return lines.join('\n') + '\n';
}

export default compare;
