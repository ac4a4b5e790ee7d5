/**
 * Writing a labelled M×N score matrix as CSV or JSON, for readers without numpy.
 */
import type { EmbeddingLabels } from './embedding-labels.js';
import { float32Number } from './float32-text.js';

/** Quotes a CSV field when it holds a comma, quote or line break (RFC 4180). */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * CSV: a header row (an empty corner cell, then B's labels), then one row per row of A (its
 * label, then its N scores). Scores are written with 9 significant digits (float32 round-trips).
 * Images that failed have no row or column; see the JSON form or index.json for them.
 * @param scores M×N row-major
 */
export function scoresToCsv(scores: Float32Array, a: EmbeddingLabels, b: EmbeddingLabels): string {
  const out: string[] = [['', ...b.rows].map(csvField).join(',')];
  const n = b.rows.length;
  for (let i = 0; i < a.rows.length; i++) {
    const cells = [csvField(a.rows[i]!)];
    for (let j = 0; j < n; j++) cells.push(String(float32Number(scores[i * n + j]!)));
    out.push(cells.join(','));
  }
  return out.join('\n') + '\n';
}

/** The JSON form of a labelled score matrix. */
export interface ScoreTableJson {
  readonly metric: string;
  /** A's row labels (image paths). */
  readonly rows: readonly string[];
  /** B's labels: the columns. */
  readonly columns: readonly string[];
  /** rows.length arrays of columns.length scores: scores[i][j] scores rows[i] against columns[j]. */
  readonly scores: readonly (readonly number[])[];
  /** Images that could not be embedded, and so have no row (of A) or column (of B). */
  readonly failed: { readonly rows: EmbeddingLabels['failed']; readonly columns: EmbeddingLabels['failed'] };
}

/** The JSON form (see ScoreTableJson); scores as float32 values widened to double. */
export function scoresToJson(scores: Float32Array, a: EmbeddingLabels, b: EmbeddingLabels, metric: string): ScoreTableJson {
  const n = b.rows.length;
  return {
    metric,
    rows: a.rows,
    columns: b.rows,
    scores: a.rows.map((_, i) => Array.from(scores.subarray(i * n, (i + 1) * n), float32Number)),
    failed: { rows: a.failed, columns: b.failed },
  };
}
