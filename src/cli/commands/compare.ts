import { PfeError } from '../../core/errors.js';
import { FaceEmbedder, type EmbeddedFace } from '../../face/pipeline/face-embedder.js';
import { compareFaces } from '../../head/compare-faces.js';
import { landmarkKey } from '../../face/pipeline/image-files.js';
import { findDefaultHead } from '../../head/model-file.js';
import { type VerdictPolicies, verdictPolicies } from '../../face-pfe/verdicts.js';
import { calibrationFileForHead, loadCalibrationFile } from '../../service/calibration-file.js';
import { describeDecision } from '../../service/decision.js';
import { loadHeadBinding } from '../../service/head-binding.js';
import { existsSync } from 'node:fs';
import { choiceOption, expectPositionals, parseCommandArgs } from '../args.js';
import { LANDMARK_SCALE_HELP, landmarkScaleChoice, loadFittedLandmarks } from '../landmark-options.js';
import { type CliCommand, UsageError } from '../command.js';

const OPTIONS = {
  head: { type: 'string' },
  landmarks: { type: 'string' },
  'landmark-scale': { type: 'string' },
  backend: { type: 'string' },
  json: { type: 'boolean' },
} as const;

const usage = `Usage: pfe compare <a.jpg> <b.jpg> [--head FILE] [options]

Embeds both faces (detect or use landmarks, align, faceres), applies the uncertainty head
and prints the cosine similarity, the mutual likelihood score (MLS) and each image's
confidence. Cosine and MLS use mu centred by the head's training mean (as the head was
trained); the raw cosine of the backbone is printed too.
Confidence = harmonic mean of σ² over the dimensions (the paper's risk-control measure):
lower means more confident.
When the head has a calibration beside it (calibration-<head name>.json, made with that
very file; the shipped head has one), two verdicts at FAR 1e-3 follow, one on MLS and one
on cosine: the estimated false-accept rate of the score and whether the pair is accepted.

Options:
  --head <file>          uncertainty head (.pfehead; default: the head shipped in models/)
  --landmarks <file>     5-point landmark file in the LFW MTCNN format (default: detect faces)
    ${LANDMARK_SCALE_HELP}
  --backend <name>       wasm (default) or cpu
  --json                 print one JSON object instead of text`;

export { type Comparison, compareFaces, headInputOf } from '../../head/compare-faces.js';

/** `pfe compare a b`: cosine, MLS and both confidences of two face images. */
const compare: CliCommand = {
  summary: 'compare two face images: cosine, MLS and the confidence (harmonic-mean σ²) of each',
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, OPTIONS);
    const [fileA, fileB] = expectPositionals(positionals, ['a.jpg', 'b.jpg']) as [string, string];
    const headFile = values.head ?? findDefaultHead();
    if (headFile === undefined) throw new UsageError('no --head given and no head shipped in models/; train one with pfe train');
    const binding = await loadHeadBinding(headFile);
    const head = binding.head;
    const verdicts = await headVerdicts(headFile, binding.identity.sha256);
    const targets = [fileA, fileB].map((file) => ({ key: landmarkKey(file, undefined), file }));
    const landmarks =
      values.landmarks === undefined
        ? undefined
        : await loadFittedLandmarks(values.landmarks, targets, landmarkScaleChoice(values['landmark-scale']), (line) => process.stderr.write(`pfe compare: ${line}\n`));
    const backend = choiceOption(values.backend, 'backend', ['wasm', 'cpu'] as const, 'wasm');
    const embedder = await FaceEmbedder.load({ backend });
    let results;
    try {
      results = await embedder.embedBatch(
        [fileA, fileB].map((p) => {
          const l = landmarks?.get(landmarkKey(p, undefined));
          return { path: p, ...(l === undefined ? {} : { landmarks: l }) };
        }),
      );
    } finally {
      embedder.dispose();
    }
    const [ra, rb] = results as [(typeof results)[number], (typeof results)[number]];
    for (const [r, f] of [
      [ra, fileA],
      [rb, fileB],
    ] as const) {
      if (r.status === 'failed') throw new PfeError(r.code, `${f}: ${r.reason}`, { path: f });
    }
    const c = compareFaces(head, ra as EmbeddedFace, rb as EmbeddedFace);
    const decisions = verdicts === undefined ? undefined : { mls: verdicts.mls.decide(c.cosine, c.mls), cosine: verdicts.cosine.decide(c.cosine, c.mls) };
    if (values.json === true) {
      process.stdout.write(JSON.stringify({ a: fileA, b: fileB, head: headFile, ...c, ...(decisions === undefined ? {} : { verdicts: decisions }) }) + '\n');
      return 0;
    }
    process.stdout.write(
      [
        `a: ${fileA}`,
        `b: ${fileB}`,
        `head: ${headFile} (${head.architecture.inputKind}, ${head.architecture.sigmaMode} σ²)`,
        `cosine (centred mu)  ${c.cosine.toFixed(4)}`,
        `cosine (raw mu)      ${c.rawCosine.toFixed(4)}`,
        `MLS (nats)           ${c.mls.toFixed(1)}`,
        `confidence a         ${c.confidenceA.toExponential(3)}  (harmonic-mean σ², lower = more confident)`,
        `confidence b         ${c.confidenceB.toExponential(3)}`,
        ...(decisions === undefined
          ? ['verdict              none (no calibration made with this head beside it)']
          : [`verdict on MLS       ${describeDecision(decisions.mls)}`, `verdict on cosine    ${describeDecision(decisions.cosine)}`]),
      ].join('\n') + '\n',
    );
    return 0;
  },
};

/** The head's calibrated verdicts, or undefined when no calibration made with this head file sits beside it. */
async function headVerdicts(headFile: string, headSha256: string): Promise<VerdictPolicies | undefined> {
  const file = calibrationFileForHead(headFile);
  if (!existsSync(file)) return undefined;
  const loaded = await loadCalibrationFile(file);
  if (loaded.content.head?.sha256 !== headSha256 || loaded.mls === undefined) return undefined;
  return verdictPolicies(loaded, headSha256, file);
}


export default compare;
