/**
 * The templates protocol on LFW (Node side): people of the ten View 2 sets with ≥ 2
 * images, two templates each (members clean or at a ladder level), person-disjoint folds.
 * Compares the uncertainty-blind mean of mu (raw and centred) with PFE fusion.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { columnMeans } from '../head/feature-normalisation.js';
import { initBackend } from '../face/runtime/tfjs-runtime.js';
import { stackTables } from './degraded-protocols.js';
import { headGaussianSource } from './head-source.js';
import { rawFeatureNorms, type ImageTable } from './image-table.js';
import { loadLfwVersion, type LfwSetup } from './lfw-setup.js';
import { lfwImagePath, parseLfwPeople } from './lfw-protocol.js';
import { evaluateMethod, withFailedPairsRejected, type MethodEvaluation } from './pair-verification.js';
import { loadHeads, type HeadSelection } from './run-verification.js';
import { DEFAULT_BACKBONE } from '../face/backbone/names.js';
import { median, normSigmaBase, normSigmaSource } from './norm-sigma.js';
import type { GaussianSource } from './verification-methods.js';
import { buildTemplates, fusedTemplateScorer, meanTemplateScorer, validMembers, type TemplateOptions, type TemplatePerson } from './templates.js';
import { methodsMarkdownTable, methodSummary, rocPlotSvg } from './verification-report.js';

/** Mean clean σ² of the out-of-fold heads (dilemma run of 2026-11-28 06:36 UTC): the scale of the hand-made σ². */

/** Everything a templates run needs. */
export interface TemplatesJob {
  readonly setup: LfwSetup;
  /** Ladder levels of the degraded versions (e.g. [2, 4]); version 0 is clean. */
  readonly degradedLevels: readonly number[];
  readonly templates: Omit<TemplateOptions, 'degradedVersions'>;
  readonly heads: HeadSelection;
  /** Investigation instead of a head: σ² from the raw feature norm (see norm-sigma.ts). */
  readonly normSigmaPower?: number;
  readonly fars: readonly number[];
  readonly outDir: string;
  readonly log: (line: string) => void;
  readonly meta?: Readonly<Record<string, unknown>>;
}

/** Runs the protocol; writes results.json, table.md and roc.svg. */
export async function runTemplates(job: TemplatesJob): Promise<{ methods: MethodEvaluation[]; markdown: string }> {
  const { setup } = job;
  const sets = parseLfwPeople(await readFile(path.join(setup.lfwRoot, 'people.txt'), 'utf8'));
  const paths: string[] = [];
  const people: TemplatePerson[] = [];
  const imageFold: number[] = [];
  sets.forEach((set, fold) => {
    for (const p of set) {
      if (p.imageCount < 2) continue;
      const images: number[] = [];
      for (let n = 1; n <= p.imageCount; n++) {
        images.push(paths.length);
        paths.push(lfwImagePath(p.name, n));
        imageFold.push(fold);
      }
      people.push({ fold, images });
    }
  });
  const k = paths.length;
  const foldCount = sets.length;
  const protocol = buildTemplates(people, k, foldCount, { ...job.templates, degradedVersions: job.degradedLevels.length });
  const heads = job.normSigmaPower === undefined ? await loadHeads(job.heads, foldCount, job.setup.backbone) : undefined;
  if (heads !== undefined) await initBackend();
  const base = { pairs: protocol.pairs, paths, files: paths.map((p) => path.join(setup.lfwRoot, 'images', p)) };
  const s = { ...setup, needGrid: heads?.needsGrid ?? false };
  const versions = [0, ...job.degradedLevels];
  const tables: ImageTable[] = [];
  for (let v = 0; v < versions.length; v++) {
    const needed = new Uint8Array(k);
    // Clean: every image (the centring mean uses the other folds' clean images).
    if (v === 0) needed.fill(1);
    for (const m of protocol.members) for (const r of m) if (Math.floor(r / k) === v) needed[r % k] = 1;
    tables.push(await loadLfwVersion(s, base, versions[v]!, needed));
  }
  const table = stackTables(tables);
  const { members, failed } = validMembers(protocol.members, table.failed);
  const clean = tables[0]!;
  const meanFor = (heldOut: number | undefined): Float32Array => {
    const rows: number[] = [];
    for (let i = 0; i < k; i++) if (clean.failed[i] === 0 && imageFold[i] !== heldOut) rows.push(i);
    return columnMeans(clean.mu, clean.dim, rows);
  };
  const pairs = protocol.pairs;
  const methods: MethodEvaluation[] = [];
  const run = (name: string, description: string, scorer: Parameters<typeof withFailedPairsRejected>[2]): void => {
    methods.push(evaluateMethod(pairs, name, description, withFailedPairsRejected(pairs, failed, scorer), job.fars));
    job.log(`${name} done`);
  };
  run('mean mu + cosine', 'average of the members’ L2-normalised mu, cosine', meanTemplateScorer(table, members));
  run('mean centred mu + cosine', 'average of the members’ centred mu (mean of the other folds’ clean images), cosine', meanTemplateScorer(table, members, meanFor));
  let gaussian: { source: GaussianSource; description: string } | undefined;
  if (job.normSigmaPower !== undefined) {
    const cleanNorms = rawFeatureNorms(clean).filter((_, i) => clean.failed[i] === 0);
    gaussian = {
      source: normSigmaSource(table, meanFor, { baseSigmaSq: normSigmaBase(job.setup.backbone ?? DEFAULT_BACKBONE), referenceNorm: median(cleanNorms), power: job.normSigmaPower }),
      description: `σ² = ${normSigmaBase(job.setup.backbone ?? DEFAULT_BACKBONE)}·(‖raw‖/median clean ‖raw‖)^−${job.normSigmaPower} (hand-made, not a head)`,
    };
  } else if (heads !== undefined) {
    gaussian = { source: headGaussianSource(heads.choice, table), description: heads.description };
  }
  if (gaussian !== undefined) {
    const { source, description } = gaussian;
    run('PFE fused mu (product) + cosine', `product-rule fusion, cosine of the fused mu; ${description}`, fusedTemplateScorer(source, members, 'product', 'cosine'));
    run('mean fusion + MLS', `uncertainty-blind fusion (plain average, σ² = Σσ²/n²), MLS; ${description}`, fusedTemplateScorer(source, members, 'mean', 'mls'));
    run('PFE product fusion + MLS', `product-rule fusion, MLS; ${description}`, fusedTemplateScorer(source, members, 'product', 'mls'));
    run('PFE min fusion + MLS', `reference-code fusion (normalised precision-weighted mean, σ² = min), MLS; ${description}`, fusedTemplateScorer(source, members, 'min', 'mls'));
  } else {
    job.log('no uncertainty head: only the mean-of-mu baselines');
  }
  const sizes = protocol.members.map((m) => m.length);
  const degradedShare = protocol.members.flat().filter((r) => r >= k).length / sizes.reduce((a, b) => a + b, 0);
  let genuine = 0;
  for (const l of pairs.labels) genuine += l;
  const summary = `${protocol.members.length} templates of ${people.filter((p) => p.images.length >= Math.max(2, job.templates.minImages)).length} people × ${job.templates.draws} draws (mean size ${(sizes.reduce((a, b) => a + b, 0) / sizes.length).toFixed(2)}, ${(100 * degradedShare).toFixed(1)}% degraded members), ${genuine} genuine and ${pairs.labels.length - genuine} impostor pairs, ${failed.reduce((a, b) => a + b, 0)} failed templates`;
  const markdown = `${summary}\n\n${methodsMarkdownTable(methods, job.fars)}`;
  await mkdir(job.outDir, { recursive: true });
  await writeFile(path.join(job.outDir, 'table.md'), markdown + '\n');
  await writeFile(path.join(job.outDir, 'roc.svg'), rocPlotSvg('LFW templates (person-disjoint folds)', methods, 'roc-templates'));
  await writeFile(
    path.join(job.outDir, 'results.json'),
    JSON.stringify({ date: new Date().toISOString(), ...job.meta, summary, options: job.templates, degradedLevels: job.degradedLevels, heads: gaussian?.description ?? null, methods: methods.map(methodSummary) }, null, 1) + '\n',
  );
  return { methods, markdown };
}
