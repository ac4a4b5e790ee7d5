import { PfeError, SCORE_METRICS, scoreMatrix, type ScoreMetric } from '../../core/index.js';
import { loadEmbeddingFolder } from '../../io/embedding-folder.js';
import { writeFile } from 'node:fs/promises';
import { writeNpyFile } from '../../io/npy-file.js';
import { loadEmbeddingLabels, type EmbeddingLabels } from '../../io/embedding-labels.js';
import { scoresToCsv, scoresToJson } from '../../io/score-table.js';
import { choiceOption, expectPositionals, parseCommandArgs, requireOption } from '../args.js';
import type { CliCommand } from '../command.js';

/** Metric used when --metric is not given: the paper's MLS. */
const DEFAULT_METRIC: ScoreMetric = 'mls';

const OPTIONS = {
  out: { type: 'string', short: 'o' },
  metric: { type: 'string', short: 'm' },
  format: { type: 'string', short: 'f' },
} as const;

/** Output formats: the bare matrix for numpy, or labelled tables for everyone else. */
const FORMATS = ['npy', 'csv', 'json'] as const;
type ScoreFormat = (typeof FORMATS)[number];

/** --format, else from the --out file's ending (.csv, .json), else npy. */
function formatOf(value: string | undefined, outPath: string): ScoreFormat {
  const fromName = outPath.toLowerCase().endsWith('.csv') ? 'csv' : outPath.toLowerCase().endsWith('.json') ? 'json' : 'npy';
  return choiceOption(value, 'format', FORMATS, fromName);
}

const usage = `Usage: pfe score <A> <B> --out <scores.npy|.csv|.json> [--metric <name>] [--format npy|csv|json]

Scores every embedding in folder A against every embedding in folder B and writes the
M×N matrix: entry (i, j) scores A[i] against B[j]. Higher means more likely the same
identity.

Formats: npy = the bare float32 matrix (row i = row i of A's .npy files; the image of each
row is in A's index.json); csv = a table labelled with the image paths (header row: B's
images; first column: A's images); json = {metric, rows, columns, scores, failed}. Images
that pfe embed could not embed have no row or column: they are listed on stderr (and under
"failed" in json). Labels come from index.json; a folder without one is labelled <folder>#<row>.

Each folder holds mu.npy (N×D float32 means) and sigma_sq.npy (N×D float32 variances,
or N×1 for one isotropic variance per row); A and B must have the same D. When a folder
also holds mu_centred.npy (pfe embed with an uncertainty head writes it: the means centred
by the head's training mean, which its variances go with), those means are used.

Options:
  -o, --out <file>     where to write the M×N score matrix
  -f, --format <name>  npy, csv or json (default: from the --out file's ending, else npy)
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

/** Writes text output, naming the file on failure. */
async function writeOutput(file: string, text: string): Promise<void> {
  try {
    await writeFile(file, text);
  } catch (e) {
    throw new PfeError('IO_ERROR', `cannot write ${file}: ${e instanceof Error ? e.message : String(e)}`, { path: file }, { cause: e });
  }
}

/** Examples of failed images listed on stderr before "and N more". */
const FAILED_SHOWN = 5;

/** A stderr note for the images of a folder that have no row/column, or '' when none failed. */
function failedNote(dir: string, labels: EmbeddingLabels, what: 'row' | 'column'): string {
  if (labels.failed.length === 0) return '';
  const shown = labels.failed.slice(0, FAILED_SHOWN).map((f) => `  ${f.path}: ${f.code}${f.reason === '' ? '' : ` (${f.reason})`}`);
  const more = labels.failed.length > FAILED_SHOWN ? [`  ... and ${labels.failed.length - FAILED_SHOWN} more (${dir}/index.json)`] : [];
  return [`pfe score: ${labels.failed.length} image${labels.failed.length === 1 ? '' : 's'} of ${dir} failed in pfe embed and have no ${what}:`, ...shown, ...more].join('\n') + '\n';
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
    const format = formatOf(values.format, outPath);

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
    const [labelsA, labelsB] = await Promise.all([loadEmbeddingLabels(dirA, a.count), loadEmbeddingLabels(dirB, b.count)]);
    if (format === 'npy') await writeNpyFile(outPath, [a.count, b.count], scores);
    else await writeOutput(outPath, format === 'csv' ? scoresToCsv(scores, labelsA, labelsB) : JSON.stringify(scoresToJson(scores, labelsA, labelsB, metric)) + '\n');
    process.stderr.write(
      `pfe score: ${dirA} (${shapeText(a.count, a.dim)}) vs ${dirB} (${shapeText(b.count, b.dim)}), metric ${metric} -> ` +
        `${outPath} (${shapeText(a.count, b.count)} ${format === 'npy' ? 'float32); rows and columns are the rows of A and B (their images: index.json, or --format csv|json)' : `${format}, labelled with image paths)`}\n`,
    );
    for (const [dir, labels, what] of [[dirA, labelsA, 'row'], [dirB, labelsB, 'column']] as const) process.stderr.write(failedNote(dir, labels, what));
    return 0;
  },
};

export default score;
