/**
 * Template verification (the paper's IJB-A experiment, built from LFW): a template is a
 * set of images of one person, some of them degraded; two templates of the same person
 * form a genuine pair, templates of two people of the same fold an impostor pair. Folds
 * are person-disjoint, so a per-fold head never saw the people it is tested on.
 */
import { cosinePairs } from '../core/cosine.js';
import type { GaussianBatch } from '../core/embedding.js';
import { PfeError } from '../core/errors.js';
import { fuseGroups, type FusionRule } from '../core/fusion.js';
import { mlsPairs } from '../core/mls.js';
import { deriveSeed, SeededRandom } from '../core/random.js';
import { centreMu } from '../head/feature-normalisation.js';
import type { IndexedPairs, ValidPairScorer } from './pair-verification.js';
import type { GaussianSource, MuTable } from './verification-methods.js';

/** A person with the base indices (0..K−1) of their images and their fold. */
export interface TemplatePerson {
  readonly fold: number;
  readonly images: readonly number[];
}

/** How templates are drawn. */
export interface TemplateOptions {
  /** Largest template size (each template has 1..maxSize images, at most half the person's images). */
  readonly maxSize: number;
  /** Probability that a member image is taken degraded. */
  readonly degradedProbability: number;
  /** Number of degraded versions (versions 1..degradedVersions of a stacked table; 0 = clean). */
  readonly degradedVersions: number;
  /** Impostor pairs per person and draw (its first template against second templates of others in its fold). */
  readonly impostorsPerPerson: number;
  /** Only people with at least this many images take part (≥ 2). */
  readonly minImages: number;
  /** Independent draws of a template pair per person (each draw: one genuine pair and its impostors). */
  readonly draws: number;
  readonly seed: number;
}

/** Templates as lists of stacked-table rows (version·K + image) and the template pairs. */
export interface TemplateProtocol {
  /** Member rows of each template (stacked-table rows). */
  readonly members: number[][];
  /** Pairs over the templates, with the people's folds. */
  readonly pairs: IndexedPairs;
}

function shuffled(values: readonly number[], rng: SeededRandom): number[] {
  const a = [...values];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng.nextFloat() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/**
 * Draws, `draws` times, two disjoint templates per person (people with ≥ minImages images)
 * and the pairs: one genuine pair per person, `impostorsPerPerson` impostor pairs against
 * distinct random people of the same fold. Deterministic in the inputs and the seed.
 * @param imageCount K, the images per version of the stacked table
 */
export function buildTemplates(people: readonly TemplatePerson[], imageCount: number, foldCount: number, options: TemplateOptions): TemplateProtocol {
  if (!(options.maxSize >= 1)) throw new PfeError('INVALID_ARGUMENT', `maxSize must be ≥ 1, got ${options.maxSize}`);
  const rng = new SeededRandom(deriveSeed(options.seed, 0x74706c74)); // stream id: 'tplt' in ASCII
  const members: number[][] = [];
  const first: number[] = [];
  const second: number[] = [];
  const version = (): number => (rng.nextFloat() < options.degradedProbability ? 1 + Math.floor(rng.nextFloat() * options.degradedVersions) : 0);
  const eligible = people.filter((p) => p.images.length >= Math.max(2, options.minImages));
  const a: number[] = [];
  const b: number[] = [];
  const labels: number[] = [];
  const folds: number[] = [];
  const byFold = new Map<number, number[]>();
  eligible.forEach((p, q) => byFold.set(p.fold, [...(byFold.get(p.fold) ?? []), q]));
  for (let draw = 0; draw < options.draws; draw++) {
    first.length = 0;
    second.length = 0;
    for (const p of eligible) {
      const order = shuffled(p.images, rng);
      const half = Math.floor(order.length / 2);
      const size1 = Math.min(half, 1 + Math.floor(rng.nextFloat() * options.maxSize));
      const size2 = Math.min(half, 1 + Math.floor(rng.nextFloat() * options.maxSize));
      first.push(members.length);
      members.push(order.slice(0, size1).map((i) => version() * imageCount + i));
      second.push(members.length);
      members.push(order.slice(half, half + size2).map((i) => version() * imageCount + i));
    }
    eligible.forEach((p, q) => {
      a.push(first[q]!);
      b.push(second[q]!);
      labels.push(1);
      folds.push(p.fold);
      const others = shuffled(
        byFold.get(p.fold)!.filter((o) => o !== q),
        rng,
      ).slice(0, options.impostorsPerPerson);
      for (const o of others) {
        a.push(first[q]!);
        b.push(second[o]!);
        labels.push(0);
        folds.push(p.fold);
      }
    });
  }
  return {
    members,
    pairs: { imageCount: members.length, a: Int32Array.from(a), b: Int32Array.from(b), labels: Uint8Array.from(labels), folds: { index: Int32Array.from(folds), count: foldCount } },
  };
}

/** Templates with their failed members removed; a template with no valid member is failed. */
export function validMembers(members: readonly number[][], failedRows: Uint8Array): { members: number[][]; failed: Uint8Array } {
  const kept = members.map((m) => m.filter((r) => failedRows[r] === 0));
  return { members: kept.map((m) => (m.length === 0 ? [members[0]![0]!] : m)), failed: Uint8Array.from(kept, (m) => (m.length === 0 ? 1 : 0)) };
}

/** Average of the member rows' mu (optionally centred first), one row per template: the uncertainty-blind baseline. */
export function meanTemplateMu(table: MuTable, members: readonly number[][], centringMean?: Float32Array): Float32Array {
  const d = table.dim;
  const mu = centringMean === undefined ? table.mu : centreMu(table.mu, d, centringMean);
  const out = new Float32Array(members.length * d);
  members.forEach((m, t) => {
    for (const r of m) for (let l = 0; l < d; l++) out[t * d + l]! += mu[r * d + l]! / m.length;
  });
  return out;
}

/** Cosine of template means (raw mu, or mu centred by `meanFor(fold)`). */
export function meanTemplateScorer(table: MuTable, members: readonly number[][], meanFor?: (heldOut: number | undefined) => Float32Array): ValidPairScorer {
  return (a, b, heldOut) => {
    const t = { count: members.length, dim: table.dim, mu: meanTemplateMu(table, members, meanFor?.(heldOut)) };
    return cosinePairs(t, t, a, b);
  };
}

/**
 * Scores of PFE-fused templates: the member Gaussians of the held-out fold's source fused by
 * `rule`, then MLS, or cosine on the fused mu.
 */
export function fusedTemplateScorer(source: GaussianSource, members: readonly number[][], rule: FusionRule, score: 'mls' | 'cosine'): ValidPairScorer {
  let cached: { heldOut: number | undefined; fused: GaussianBatch } | undefined;
  return (a, b, heldOut) => {
    if (cached === undefined || cached.heldOut !== heldOut) cached = { heldOut, fused: fuseGroups(source(heldOut), members, rule) };
    const f = cached.fused;
    return score === 'mls' ? mlsPairs(f, f, a, b) : cosinePairs(f, f, a, b);
  };
}
