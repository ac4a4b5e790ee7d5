import { writeFile } from 'node:fs/promises';
import { PfeError } from '../../core/errors.js';
import { decodeImage } from '../../face/image/decode.js';
import { DEFAULT_JPEG_QUALITY, encodeImage, formatFromPath } from '../../face/image/encode.js';
import { DEGRADATION_LADDER, MAX_DEGRADE_LEVEL } from '../../face/degrade/ladder.js';
import { formatDegradeStep, parseDegradeSpec } from '../../face/degrade/spec.js';
import { applyDegradeSteps, stepsNeedFace } from '../../face/degrade/steps.js';
import { loadFaceFinder } from '../../face/detect/face-finder.js';
import { initBackend } from '../../face/runtime/tfjs-runtime.js';
import { occluderLandmarks } from '../../face/pipeline/face-embedder.js';
import type { FiveLandmarks, RgbImage } from '../../face/types.js';
import { expectPositionals, integerOption, parseCommandArgs, requireOption } from '../args.js';
import { type CliCommand, UsageError } from '../command.js';

/** Seed used when --seed is not given, so that a bare command is reproducible too. */
const DEFAULT_SEED = 0;

const OPTIONS = {
  out: { type: 'string', short: 'o' },
  spec: { type: 'string', short: 's' },
  seed: { type: 'string' },
  quality: { type: 'string', short: 'q' },
} as const;

const ladderRows = DEGRADATION_LADDER.map((steps, i) => `                           level:${i + 1} = ${steps.map(formatDegradeStep).join('+')}`).join('\n');

const usage = `Usage: pfe degrade <in> --out <file> --spec <spec> [--seed N] [--quality Q]

Reads an image (JPEG, PNG or WebP; EXIF orientation applied), degrades it, and writes
the result as PNG or JPEG (chosen by the extension of --out). The output is a
deterministic function of the input, the spec and the seed.

Options:
  -o, --out <file>     output image, .png (exact pixels) or .jpg/.jpeg
  -s, --spec <spec>    steps name:value joined by '+', applied left to right:
                         blur:S   Gaussian blur, sigma S pixels (0..100)
                         scale:F  bilinear down to F× the size and back up, F in (0, 1]
                         noise:D  Gaussian noise, std D grey levels (0..255)
                         jpeg:Q   JPEG re-encoding at quality Q (1..100)
                         motion:L     motion blur, a streak of L pixels (0..100), seeded direction
                         lowlight:F   taken with F× the light (0, 1] and brightened back:
                                      shot, read and ADC noise of a small sensor
                         sunglasses:A dark lenses over the eyes, opacity A in (0, 1]
                         mask:A       a surgical mask over nose tip, mouth and chin, opacity A
                         hand:S       a hand in front of the face at a seeded place, size S in (0, 3]
                       (sunglasses, mask and hand are placed on the face the detector finds)
                         level:K  the ladder, K in 0..${MAX_DEGRADE_LEVEL} (0 = untouched):
${ladderRows}
                       e.g. 'blur:2+jpeg:30' or 'level:3'
      --seed <N>       seed of the noise, integer 0..4294967295 (default ${DEFAULT_SEED})
  -q, --quality <Q>    quality of a .jpg output file, 1..100 (default ${DEFAULT_JPEG_QUALITY});
                         it compresses once more after the spec, so prefer .png`;

/** The five landmarks of the photo's subject face (for the occluders), from the face finder. */
async function subjectLandmarks(image: RgbImage, input: string): Promise<FiveLandmarks> {
  await initBackend('wasm');
  return occluderLandmarks(await loadFaceFinder(), image, input);
}

/** `pfe degrade <in> --out <file> --spec <spec> [--seed N]`: writes a degraded copy of an image. */
const degrade: CliCommand = {
  summary: 'write a blurred / down-scaled / noisy / JPEG-compressed copy of an image (seeded)',
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, OPTIONS);
    const [input] = expectPositionals(positionals, ['in']) as [string];
    const outPath = requireOption(values.out, 'out');
    const specText = requireOption(values.spec, 'spec');
    const seed = integerOption(values.seed, 'seed', { min: 0, max: 0xffffffff }, DEFAULT_SEED);
    const format = formatFromPath(outPath);
    if (format === undefined) throw new UsageError(`--out must end in .png, .jpg or .jpeg; got '${outPath}'`);
    if (values.quality !== undefined && format !== 'jpeg') throw new UsageError('--quality applies only to a .jpg/.jpeg output');
    const quality = integerOption(values.quality, 'quality', { min: 1, max: 100 }, DEFAULT_JPEG_QUALITY);

    let steps;
    try {
      steps = parseDegradeSpec(specText);
    } catch (e) {
      // A malformed --spec is a usage mistake: show the message together with the usage.
      if (e instanceof PfeError) throw new UsageError(`--spec: ${e.message}`);
      throw e;
    }
    const image = await decodeImage(input);
    const degraded = await applyDegradeSteps(image, steps, seed, stepsNeedFace(steps) ? await subjectLandmarks(image, input) : undefined);
    const bytes = await encodeImage(degraded, format, { quality });
    try {
      await writeFile(outPath, bytes);
    } catch (e) {
      throw new PfeError('IO_ERROR', `cannot write ${outPath}: ${e instanceof Error ? e.message : String(e)}`, { path: outPath }, { cause: e });
    }
    process.stderr.write(`pfe degrade: ${input} (${image.width}×${image.height}) --spec ${specText} --seed ${seed} -> ${outPath}\n`);
    return 0;
  },
};

export default degrade;
