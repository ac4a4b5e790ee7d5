/**
 * One ablation table (Node side): for every head variant (single head or per-fold heads),
 * full MLS against its two halves (weighting only, penalty only) and cosine on the head's
 * centred mu, on clean LFW View 2 and on the mixed clean + degraded protocol, next to the
 * cosine and centred-cosine baselines.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PfeError } from '../core/errors.js';
import { initBackend } from '../face/runtime/tfjs-runtime.js';
import { assignVersions, mixedPairs, stackTables } from './degraded-protocols.js';
import { headGaussianSource } from './head-source.js';
import type { ImageTable } from './image-table.js';
import { loadLfwBase, loadLfwVersion, type LfwSetup } from './lfw-setup.js';
import type { IndexedPairs, MethodEvaluation } from './pair-verification.js';
import { evaluatePairs } from './pairs-evaluation.js';
import { loadHeads, type HeadSelection } from './run-verification.js';
import { methodSummary } from './verification-report.js';

/** A named head variant. */
export interface AblationVariant {
  readonly name: string;
  readonly heads: HeadSelection;
}

/** Everything an ablation run needs. */
export interface AblationJob {
  readonly setup: LfwSetup;
  readonly variants: readonly AblationVariant[];
  /** The mixed protocol: ladder levels (0 = clean) and their probabilities, and the draw seed. */
  readonly mixed: { readonly levels: readonly number[]; readonly weights: readonly number[]; readonly seed: number };
  readonly fars: readonly number[];
  readonly outDir: string;
  readonly log: (line: string) => void;
  readonly meta?: Readonly<Record<string, unknown>>;
}

/** One row of the ablation table. */
export interface AblationRow {
  readonly variant: string;
  readonly method: string;
  readonly clean: MethodEvaluation;
  readonly mixed: MethodEvaluation;
}

const pct = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? 'n/a' : (100 * x).toFixed(2));

/** The Markdown table: clean and mixed accuracy and TAR at each FAR per variant and method. */
export function ablationMarkdown(rows: readonly AblationRow[], fars: readonly number[]): string {
  const head = ['head variant', 'method', 'clean k-fold acc. (%)', ...fars.map((f) => `clean TAR@${f} (%)`), 'clean AUC', 'mixed k-fold acc. (%)', ...fars.map((f) => `mixed TAR@${f} (%)`), 'mixed AUC'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of rows) {
    lines.push(
      `| ${r.variant} | ${r.method} | ${pct(r.clean.accuracy?.mean)} | ${fars.map((f) => pct(r.clean.tarAtFar.find((t) => t.far === f)?.tar)).join(' | ')} | ${r.clean.auc.toFixed(4)} | ${pct(r.mixed.accuracy?.mean)} | ${fars
        .map((f) => pct(r.mixed.tarAtFar.find((t) => t.far === f)?.tar))
        .join(' | ')} | ${r.mixed.auc.toFixed(4)} |`,
    );
  }
  return lines.join('\n');
}

/** Runs every variant on both protocols; writes results.json and table.md. */
export async function runAblation(job: AblationJob): Promise<{ rows: AblationRow[]; markdown: string }> {
  const base = await loadLfwBase(job.setup);
  const foldCount = base.pairs.folds!.count;
  const loaded = [];
  for (const v of job.variants) {
    const heads = await loadHeads({ ...v.heads, useDefaultHead: false }, foldCount);
    if (heads === undefined) throw new PfeError('INVALID_ARGUMENT', `variant ${v.name} names no head`);
    loaded.push({ name: v.name, heads });
  }
  await initBackend();
  const needGrid = loaded.some((l) => l.heads.needsGrid);
  const s = { ...job.setup, needGrid };
  const clean = await loadLfwVersion(s, base, 0, new Uint8Array(base.paths.length).fill(1));
  const versionOf = assignVersions(base.paths.length, job.mixed.weights, job.mixed.seed);
  const tables: ImageTable[] = [];
  for (let v = 0; v < job.mixed.levels.length; v++) {
    // Only the images drawn at this version: rows no pair uses must stay out of the fold-excluded centring mean.
    tables.push(await loadLfwVersion(s, base, job.mixed.levels[v]!, Uint8Array.from(versionOf, (x) => (x === v ? 1 : 0))));
  }
  const mixedTable = stackTables(tables);
  const mixedPairList: IndexedPairs = mixedPairs(base.pairs, versionOf, job.mixed.levels.length);
  const rows: AblationRow[] = [];
  let baselinesDone = false;
  for (const { name, heads } of loaded) {
    const run = (pairs: IndexedPairs, table: ImageTable): MethodEvaluation[] =>
      evaluatePairs({ pairs, table, fars: job.fars, gaussian: { source: headGaussianSource(heads.choice, table), description: heads.description }, ablations: true }).methods;
    const c = run(base.pairs, clean);
    const m = run(mixedPairList, mixedTable);
    c.forEach((cm, i) => {
      const isBaseline = cm.method === 'cosine' || cm.method === 'centred cosine';
      if (isBaseline && baselinesDone) return;
      rows.push({ variant: isBaseline ? '(none)' : name, method: cm.method, clean: cm, mixed: m[i]! });
    });
    baselinesDone = true;
    job.log(`${name} done`);
  }
  const markdown = ablationMarkdown(rows, job.fars);
  await mkdir(job.outDir, { recursive: true });
  await writeFile(path.join(job.outDir, 'table.md'), markdown + '\n');
  await writeFile(
    path.join(job.outDir, 'results.json'),
    JSON.stringify(
      {
        date: new Date().toISOString(),
        ...job.meta,
        mixed: job.mixed,
        variants: loaded.map((l) => ({ name: l.name, heads: l.heads.description })),
        rows: rows.map((r) => ({ variant: r.variant, method: r.method, clean: methodSummary(r.clean), mixed: methodSummary(r.mixed) })),
      },
      null,
      1,
    ) + '\n',
  );
  return { rows, markdown };
}
