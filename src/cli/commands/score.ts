import { PfeError, SCORE_METRICS, scoreMatrix, type ScoreMetric } from '../../core/index.js';
import { loadEmbeddingFolder } from '../../io/embedding-folder.js';
import { writeNpyFile } from '../../io/npy-file.js';
import { choiceOption, expectPositionals, parseCommandArgs, requireOption } from '../args.js';
import type { CliCommand } from '../command.js';

/** Metric used when --metric is not given: the paper's MLS. */
const DEFAULT_METRIC: ScoreMetric = 'mls';

const OPTIONS = {
  out: { type: 'string', short: 'o' },
  metric: { type: 'string', short: 'm' },
} as const;

const usage = `Usage: pfe score <A> <B> --out <scores.npy> [--metric <name>]

Scores every embedding in folder A against every embedding in folder B and writes the
M×N float32 matrix as a .npy file: entry (i, j) scores A[i] against B[j]. Higher means
more likely the same identity.

Each folder holds mu.npy (N×D float32 means) and sigma_sq.npy (N×D float32 variances,
or N×1 for one isotropic variance per row); A and B must have the same D. When a folder
also holds mu_centred.npy (pfe embed with an uncertainty head writes it: the means centred
by the head's training mean, which its variances go with), those means are used.

Options:
  -o, --out <file>     where to write the M×N score matrix (.npy, float32)
  -m, --metric <name>  one of: ${SCORE_METRICS.join(', ')} (default ${DEFAULT_METRIC})
                         mls            mutual likelihood score, paper form (nats):
                                        -1/2 sum[(mu1-mu2)^2/(s1+s2) + log(s1+s2)] - (D/2) log 2pi
                         mls-reference  the reference code's form: -sum[...], no 1/2, no constant
                         weighting-only, penalty-only  the two halves of MLS (ablation)
                         cosine         cosine similarity of the means (variances ignored)`;

function shapeText(rows: number, cols: number): string {
  return `${rows}×${cols}`;
}

/** The M×N output, or INVALID_ARGUMENT instead of a bare RangeError when it cannot be allocated. */
function allocateScores(rows: number, cols: number): Float32Array {
  try {
    return new Float32Array(rows * cols);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    const gigabytes = ((rows * cols * Float32Array.BYTES_PER_ELEMENT) / 2 ** 30).toFixed(1);
    throw new PfeError('INVALID_ARGUMENT', `a ${shapeText(rows, cols)} float32 score matrix (${gigabytes} GiB) cannot be allocated; split A or B into smaller folders`, {
      rows,
      cols,
    });
  }
}

/** `pfe score A B --out S.npy [--metric ...]`: all-pairs score matrix between two embedding folders. */
const score: CliCommand = {
  summary: 'score two embedding folders against each other into an M×N .npy matrix (MLS or cosine)',
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, OPTIONS);
    const [dirA, dirB] = expectPositionals(positionals, ['A', 'B']) as [string, string];
    const outPath = requireOption(values.out, 'out');
    const metric = choiceOption(values.metric, 'metric', SCORE_METRICS, DEFAULT_METRIC);

    const [a, b] = await Promise.all([loadEmbeddingFolder(dirA), loadEmbeddingFolder(dirB)]);
    if (a.dim !== b.dim) {
      throw new PfeError(
        'DIMENSION_MISMATCH',
        `${dirA} holds ${shapeText(a.count, a.dim)} embeddings but ${dirB} holds ${shapeText(b.count, b.dim)}; both need the same dimension D`,
        { shapeA: [a.count, a.dim], shapeB: [b.count, b.dim] },
      );
    }
    const scores = allocateScores(a.count, b.count);
    scoreMatrix(metric, a, b, scores);
    await writeNpyFile(outPath, [a.count, b.count], scores);
    process.stderr.write(
      `pfe score: ${dirA} (${shapeText(a.count, a.dim)}) vs ${dirB} (${shapeText(b.count, b.dim)}), metric ${metric} -> ` +
        `${outPath} (${shapeText(a.count, b.count)} float32)\n`,
    );
    return 0;
  },
};

export default score;
