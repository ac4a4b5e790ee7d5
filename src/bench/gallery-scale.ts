/**
 * Measures what the identification index costs per template, for the arithmetic of
 * docs/SCALING.md: bytes of memory per template (mu rows, σ² rows, cached norms, the id
 * string and its map entry) and the scan rate of one top-5 identification (templates per
 * second on one core), for D = 128 and 1024 and each σ² layout. Synthetic seeded unit rows;
 * ids like the service's UUIDs (36 characters).
 *
 *   npx tsc -p tsconfig.json && node --expose-gc dist/bench/gallery-scale.js [--n128 100000] [--n1024 20000] [--runs 11]
 *
 * Memory is the growth of V8 heap + ArrayBuffer memory after a forced GC, divided by N
 * (the index is created with capacity N, so no growth slack is counted).
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { SeededRandom } from '../core/random.js';
import { GalleryIndex, type SigmaLayout } from '../service/gallery-index.js';

/** Fixed seed of the synthetic rows. */
const SEED = 20260;

function usedBytes(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with node --expose-gc');
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

function unitRow(rng: SeededRandom, dim: number): Float32Array {
  const v = new Float32Array(dim);
  let n = 0;
  for (let l = 0; l < dim; l++) n += (v[l] = rng.nextGaussian()) ** 2;
  for (let l = 0; l < dim; l++) v[l]! /= Math.sqrt(n);
  return v;
}

function measure(dim: number, layout: SigmaLayout, n: number, runs: number): void {
  const rng = new SeededRandom(SEED);
  const sigma = (): Float32Array | null => {
    if (layout === 'none') return null;
    if (layout === 'isotropic') return new Float32Array(dim).fill(0.4 + 0.2 * rng.nextFloat());
    const s = new Float32Array(dim);
    for (let l = 0; l < dim; l++) s[l] = 0.2 + rng.nextFloat();
    return s;
  };
  const base = usedBytes();
  const index = new GalleryIndex(dim, layout);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    // A flat string, as ids arrive from JSON or the database (randomUUID() builds a rope of pieces).
    index.set(Buffer.from(randomUUID()).toString('latin1'), { mu: unitRow(rng, dim), sigmaSq: sigma() });
    if (i % 50_000 === 49_999) process.stderr.write(`  D=${dim} ${layout}: ${i + 1}/${n} rows, ${((i + 1) / ((performance.now() - t0) / 1000)).toFixed(0)} rows/s\n`);
  }
  const perTemplate = (usedBytes() - base) / n;
  const probe = { mu: unitRow(rng, dim), sigmaSq: sigma() };
  // Wall time and this process's CPU time per scan: on a shared machine the wall time
  // includes waiting for a core; the CPU time is what one core needs.
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    const c = process.cpuUsage();
    index.topK(probe, 5);
    const used = process.cpuUsage(c);
    wall.push(performance.now() - t);
    cpu.push((used.user + used.system) / 1000);
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const wallMs = median(wall);
  const cpuMs = median(cpu);
  process.stdout.write(
    `| ${dim} | ${layout} | ${n.toLocaleString('en')} | ${perTemplate.toFixed(0)} | ${wallMs.toFixed(1)} | ${cpuMs.toFixed(1)} | ${(n / (cpuMs / 1000) / 1e6).toFixed(2)} M/s |\n`,
  );
}

const { values } = parseArgs({ options: { n128: { type: 'string' }, n1024: { type: 'string' }, runs: { type: 'string' } }, strict: true });
const n128 = Number(values.n128 ?? 100_000);
const n1024 = Number(values.n1024 ?? 20_000);
const runs = Number(values.runs ?? 11);
process.stdout.write('| D | σ² layout | templates | bytes / template | top-5 scan, wall (ms) | top-5 scan, CPU (ms) | scan rate per core (CPU time) |\n|---|---|---|---|---|---|---|\n');
for (const layout of ['none', 'isotropic', 'diagonal'] as const) measure(128, layout, n128, runs);
for (const layout of ['none', 'isotropic', 'diagonal'] as const) measure(1024, layout, n1024, runs);
