/**
 * "Look at uncertainty" on LFW (Node side): the most and least confident clean LFW faces
 * by the out-of-fold head, and for a few faces the nearest gallery faces to samples
 * z ~ N(mu, σ²) — a cheap stand-in for the paper's decoder figure. Also measures, over many
 * faces, how often a sample's nearest neighbour is the same person.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { PfeError } from '../core/errors.js';
import { deriveSeed, SeededRandom } from '../core/random.js';
import type { GaussianBatch } from '../core/embedding.js';
import { initBackend } from '../face/runtime/tfjs-runtime.js';
import { contactSheetSvg, extremes, type SheetRow, type SheetTile } from './contact-sheet.js';
import { headGaussianSource, heldOutUncertainty } from './head-source.js';
import type { BackboneName } from '../face/backbone/names.js';
import { loadImageTable } from './image-table.js';
import { lfwImagePath, parseLfwPeople } from './lfw-protocol.js';
import { loadHeads, type HeadSelection } from './run-verification.js';

/** Everything a contact-sheet run needs. */
export interface SheetJob {
  readonly lfwRoot: string;
  /** Embedding folders holding the clean LFW images. */
  readonly folders: readonly string[];
  readonly heads: HeadSelection;
  /** Backbone of the folders and heads (default DEFAULT_BACKBONE). */
  readonly backbone?: BackboneName;
  /** Faces per extreme on the sheet. */
  readonly perExtreme: number;
  /** Faces per extreme in the nearest-neighbour statistic. */
  readonly statFaces: number;
  readonly samples: number;
  readonly seed: number;
  readonly outDir: string;
  readonly log: (line: string) => void;
  readonly meta?: Readonly<Record<string, unknown>>;
}

async function tile(file: string, caption: string, frame?: string): Promise<SheetTile> {
  const jpeg = await sharp(await readFile(file)).resize(75, 75).jpeg({ quality: 80 }).toBuffer();
  return { href: `data:image/jpeg;base64,${jpeg.toString('base64')}`, caption, ...(frame === undefined ? {} : { frame }) };
}

/** Row of the gallery (any row but `self`) with the largest cosine to z (z and rows L2-normalised or not). */
function nearest(g: GaussianBatch, z: Float64Array, self: number, valid: Uint8Array): number {
  const d = g.dim;
  let zn = 0;
  for (let l = 0; l < d; l++) zn += z[l]! * z[l]!;
  let best = -1;
  let bestCos = -Infinity;
  for (let r = 0; r < g.count; r++) {
    if (r === self || valid[r] === 0) continue;
    let dot = 0;
    let nn = 0;
    const o = r * d;
    for (let l = 0; l < d; l++) {
      const v = g.mu[o + l]!;
      dot += v * z[l]!;
      nn += v * v;
    }
    const c = dot / Math.sqrt(nn * zn);
    if (c > bestCos) {
      bestCos = c;
      best = r;
    }
  }
  return best;
}

/** z = mu_i + σ_i ⊙ ε, ε ~ N(0, I). */
function sample(g: GaussianBatch, i: number, rng: SeededRandom, out: Float64Array): Float64Array {
  const o = i * g.dim;
  for (let l = 0; l < g.dim; l++) out[l] = g.mu[o + l]! + Math.sqrt(g.sigmaSq[o + l]!) * rng.nextGaussian();
  return out;
}

/** Runs the sheet; writes contact-sheet.svg and sheet.json into outDir. */
export async function runSheet(job: SheetJob): Promise<{ stats: Record<string, unknown> }> {
  const sets = parseLfwPeople(await readFile(path.join(job.lfwRoot, 'people.txt'), 'utf8'));
  const paths: string[] = [];
  const fold: number[] = [];
  const person: number[] = [];
  const imagesOfPerson: number[] = [];
  sets.forEach((set, f) =>
    set.forEach((p) => {
      for (let n = 1; n <= p.imageCount; n++) {
        paths.push(lfwImagePath(p.name, n));
        fold.push(f);
        person.push(imagesOfPerson.length);
      }
      imagesOfPerson.push(p.imageCount);
    }),
  );
  const files = paths.map((p) => path.join(job.lfwRoot, 'images', p));
  const heads = await loadHeads(job.heads, sets.length, job.backbone);
  if (heads === undefined) throw new PfeError('INVALID_ARGUMENT', 'the contact sheet needs an uncertainty head (--head or --fold-heads)');
  await initBackend();
  const table = await loadImageTable(files, { folders: job.folders, needGrid: heads.needsGrid, ...(job.backbone === undefined ? {} : { backbone: job.backbone }) });
  const valid = Uint8Array.from(table.failed, (f) => 1 - f);
  const source = headGaussianSource(heads.choice, table);
  const imageFold = Int32Array.from(fold);
  const foldCount = heads.choice.kind === 'per-fold' ? sets.length : 0;
  const uncertainty = heldOutUncertainty(source, imageFold, foldCount);
  for (let i = 0; i < uncertainty.length; i++) if (valid[i] === 0) uncertainty[i] = NaN;
  const { lowest, highest } = extremes(uncertainty, Math.max(job.perExtreme, job.statFaces));
  const fmt = (v: number): string => `σ² ${v.toExponential(2)}`;

  // Nearest-neighbour statistic: per face, how many samples land on the same person.
  const rng = new SeededRandom(deriveSeed(job.seed, 0x73686565)); // stream id: 'shee' in ASCII
  const z = new Float64Array(table.dim);
  const sameRate = (faces: number[]): { sampleSame: number; meanSame: number; faces: number } => {
    let same = 0;
    let total = 0;
    let meanSame = 0;
    const eligible = faces.filter((i) => imagesOfPerson[person[i]!]! >= 2);
    for (const f of foldCount > 0 ? [...new Set(eligible.map((i) => fold[i]!))] : [undefined]) {
      const g = source(f);
      for (const i of eligible) {
        if (f !== undefined && fold[i] !== f) continue;
        const m = nearest(g, Float64Array.from(g.mu.subarray(i * g.dim, (i + 1) * g.dim)), i, valid);
        if (person[m] === person[i]) meanSame++;
        for (let s = 0; s < job.samples; s++) {
          if (person[nearest(g, sample(g, i, rng, z), i, valid)] === person[i]) same++;
          total++;
        }
      }
    }
    return { sampleSame: same / total, meanSame: meanSame / eligible.length, faces: eligible.length };
  };
  const stats = {
    confident: sameRate(lowest.slice(0, job.statFaces)),
    uncertain: sameRate(highest.slice(0, job.statFaces)),
    samplesPerFace: job.samples,
    meanUncertainty: uncertainty.reduce((a, v) => a + (Number.isNaN(v) ? 0 : v), 0) / valid.reduce((a, v) => a + v, 0),
  };
  job.log(`nearest-neighbour identity rate: ${JSON.stringify(stats)}`);

  const rows: SheetRow[] = [
    { title: `Most confident (lowest σ², harmonic mean over dimensions)`, tiles: await Promise.all(lowest.slice(0, job.perExtreme).map((i) => tile(files[i]!, fmt(uncertainty[i]!)))) },
    { title: `Least confident (highest σ²)`, tiles: await Promise.all(highest.slice(0, job.perExtreme).map((i) => tile(files[i]!, fmt(uncertainty[i]!)))) },
  ];
  // Two faces from each end with a same-person image elsewhere: the face, then the nearest neighbours of its samples.
  const distinctPeople = (faces: number[]): number[] => {
    const seen = new Set<number>();
    return faces.filter((i) => imagesOfPerson[person[i]!]! >= 2 && !seen.has(person[i]!) && seen.add(person[i]!) !== undefined).slice(0, 2);
  };
  const show = [...distinctPeople(lowest), ...distinctPeople(highest)];
  for (const i of show) {
    const g = source(foldCount > 0 ? fold[i] : undefined);
    const tiles: SheetTile[] = [await tile(files[i]!, `query ${fmt(uncertainty[i]!)}`, '#1f77b4')];
    for (let s = 0; s < job.samples; s++) {
      const m = nearest(g, sample(g, i, rng, z), i, valid);
      tiles.push(await tile(files[m]!, `sample ${s + 1}: ${person[m] === person[i] ? 'same' : 'other'}`, person[m] === person[i] ? '#2ca02c' : '#d62728'));
    }
    rows.push({ title: `${paths[i]!.split('/')[0]!.replace(/_/g, ' ')}: nearest gallery face to samples z ~ N(mu, σ²) (green = same person)`, tiles });
  }
  await mkdir(job.outDir, { recursive: true });
  await writeFile(path.join(job.outDir, 'contact-sheet.svg'), contactSheetSvg(`LFW faces by PFE uncertainty (${heads.choice.kind === 'per-fold' ? 'out-of-fold heads' : 'one head'})`, rows));
  await writeFile(path.join(job.outDir, 'sheet.json'), JSON.stringify({ date: new Date().toISOString(), ...job.meta, heads: heads.description, stats, shown: show.map((i) => paths[i]) }, null, 1) + '\n');
  return { stats };
}
