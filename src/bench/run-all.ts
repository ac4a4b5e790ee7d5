/**
 * `npm run bench`: single-thread throughput of the exact MLS (1×N scan and M×N matrix,
 * D = 128, 512 and 1024) next to cosine, the scalar-σ² MLS and the numpy reference
 * (pair_MLS_score semantics; BLAS cosine) on the same seeded data, in the same invocation.
 * Each TypeScript variant runs in its own child process, once on the JavaScript kernels and
 * once on the wasm kernels (PFE_KERNELS); every variant's scores are checked against the
 * JavaScript kernels. The 1:N identification at gallery scale is src/bench/identify-scale.ts.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gaussianLogNormaliser } from '../core/index.js';
import { readFloat64File, writeDataset, type BenchDataset } from './bench-data.js';
import { BENCH_VARIANTS, type BenchShape } from './variants.js';

/** One timed measurement, as printed by worker.js and reference_mls_numpy.py. */
interface Measurement {
  variant: string;
  shape: BenchShape;
  dim: number;
  pairs: number;
  seconds: number;
  runs: number;
  /** Max deviation from the TypeScript reference-form MLS (or TS cosine), see compare(). */
  deviation?: number;
  agrees?: boolean;
}

/**
 * Agreement tolerance: numpy evaluates pair_MLS_score in float32 (as the reference code's
 * features are), whose relative rounding is 2^-24 ≈ 6e-8 per operation; over a D-term
 * pairwise sum that grows to ~1e-6 of the sum of |terms|. 1e-5 relative (scores) or
 * absolute (cosines, |cos| ≤ 1) is therefore "equal within float32 tolerance".
 */
const FLOAT32_TOLERANCE = 1e-5;

/** Seed of the benchmark data (any fixed value; it makes runs comparable). */
const SEED = 512;

/** Probes (M) and gallery (N) per dimension: N·D = 5.12 M values, so both D move the same bytes. */
const CONFIGS = [
  { dim: 128, countA: 32, countB: 40000 },
  { dim: 512, countA: 32, countB: 10000 },
  { dim: 1024, countA: 32, countB: 5000 },
];

const here = path.dirname(fileURLToPath(import.meta.url));
const packageRoot = path.resolve(here, '..', '..');
const numpyScript = path.join(packageRoot, 'src', 'bench', 'reference_mls_numpy.py');

/** One BLAS/OpenMP thread for numpy, so the comparison is single-thread on both sides. */
const SINGLE_THREAD_ENV = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };

function parseLines(text: string): Measurement[] {
  return text
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(line) as Measurement);
}

function scoresFile(dir: string, variant: string, shape: BenchShape, dim: number): string {
  return path.join(dir, `${variant.replace('/', '@')}-${shape}-d${dim}.f64`);
}

/** The kernel backends each TypeScript variant runs on (the 'mls-per-element-log' baseline has no wasm kernel). */
const BACKENDS = ['js', 'wasm'] as const;

/** The measured name of a variant on a backend, e.g. 'mls/wasm'. */
function onBackend(variant: string, backend: string): string {
  return `${variant}/${backend}`;
}

/** The JS-kernel variant whose scores a measured variant is checked against. */
function baselineOf(variant: string): string {
  const base = variant.split('/')[0]!;
  if (base === 'isotropic-prepared') return onBackend(base, 'js');
  return onBackend(base.endsWith('cosine') || base.endsWith('cosine-prepared') ? 'cosine' : 'mls-reference', 'js');
}

/** Converts a variant's scores to the reference form −Σ[...] so all MLS variants compare directly. */
function toReferenceForm(variant: string, scores: Float64Array, dim: number): Float64Array {
  const base = variant.split('/')[0]!;
  if (base !== 'mls' && base !== 'mls-prepared') return scores;
  const constant = gaussianLogNormaliser(dim);
  return scores.map((paper) => 2 * (paper + constant));
}

/**
 * Max |x − y| / max(|y|, floor) over all scores. An MLS score sums D terms of a nat or more
 * each (|log s| ≥ 1.6 for these variances) that partly cancel, so float32 rounding is
 * relative to ~D, not to |y|: floor = D for MLS rows (at D = 128, numpy's own float32 MLS
 * deviates 7e-5 of |y| from the float64 scores), 1 for cosines.
 */
function maxDeviation(x: Float64Array, y: Float64Array, floor: number): number {
  if (x.length !== y.length) return Infinity;
  let worst = 0;
  for (let k = 0; k < x.length; k++) {
    const deviation = Math.abs(x[k]! - y[k]!) / Math.max(Math.abs(y[k]!), floor);
    if (!(deviation <= worst)) worst = deviation; // NaN propagates as a failure
  }
  return worst;
}

function runConfig(data: BenchDataset, outDir: string): Measurement[] {
  const measurements: Measurement[] = [];
  const worker = path.join(here, 'worker.js');
  for (const shape of ['scan', 'matrix'] as const) {
    for (const variant of BENCH_VARIANTS) {
      for (const backend of variant === 'mls-per-element-log' ? (['js'] as const) : BACKENDS) {
        const name = onBackend(variant, backend);
        const file = scoresFile(outDir, name, shape, data.dim);
        const args = [worker, data.dir, String(data.dim), String(data.countA), String(data.countB), variant, shape, file];
        const lines = parseLines(execFileSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, PFE_KERNELS: backend } }));
        measurements.push(...lines.map((m) => ({ ...m, variant: name })));
      }
    }
  }
  const python = execFileSync('python3', [numpyScript, data.dir, String(data.dim), String(data.countA), String(data.countB), outDir], {
    encoding: 'utf8',
    env: SINGLE_THREAD_ENV,
  });
  measurements.push(...parseLines(python));
  for (const m of measurements) {
    const baseline = readFloat64File(scoresFile(outDir, baselineOf(m.variant), m.shape, m.dim));
    const scores = toReferenceForm(m.variant, readFloat64File(scoresFile(outDir, m.variant, m.shape, m.dim)), m.dim);
    m.deviation = maxDeviation(scores, baseline, m.variant.includes('cosine') ? 1 : m.dim);
    m.agrees = m.deviation <= FLOAT32_TOLERANCE;
  }
  return measurements;
}

function formatRate(pairsPerSecond: number): string {
  return pairsPerSecond >= 1e6 ? `${(pairsPerSecond / 1e6).toFixed(2)} M` : `${(pairsPerSecond / 1e3).toFixed(0)} k`;
}

function printTable(measurements: Measurement[]): void {
  const header = ['D', 'shape', 'pairs', 'variant', 'pairs/s', 'vs numpy MLS', 'vs numpy BLAS cos', 'max deviation', 'agrees'];
  const rows = measurements.map((m) => {
    const numpy = measurements.find((n) => n.variant === 'numpy-mls-reference' && n.shape === m.shape && n.dim === m.dim)!;
    const blas = measurements.find((n) => n.variant === 'numpy-cosine-prepared' && n.shape === m.shape && n.dim === m.dim)!;
    return [
      String(m.dim),
      m.shape === 'scan' ? `1×${m.pairs}` : 'M×N',
      String(m.pairs),
      m.variant,
      formatRate(m.pairs / m.seconds),
      `${(numpy.seconds / m.seconds).toFixed(2)}×`,
      `${(blas.seconds / m.seconds).toFixed(2)}×`,
      m.deviation!.toExponential(1),
      m.agrees ? 'yes' : 'NO',
    ];
  });
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c >= 4 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

function main(): number {
  const started = Date.now();
  const tempDir = mkdtempSync(path.join(os.tmpdir(), 'pfe-bench-'));
  console.log(`Scoring core throughput — ${new Date().toISOString()}, node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'}`);
  console.log(`one thread per variant; data seed ${SEED}; mu = random unit vectors, sigma² log-uniform in [1e-4, 1e-1]`);
  console.log("'vs numpy MLS' = numpy pair_MLS_score time / this variant's time (above 1 = faster than numpy)");
  console.log("'vs numpy BLAS cos' = numpy cosine against a gallery normalised beforehand (one BLAS product) / this variant's time");
  console.log("variant/js = JavaScript kernels, variant/wasm = WebAssembly SIMD kernels; *-prepared = gallery checked once (MutableGallery)");
  console.log(`load average at start ${os.loadavg().map((v) => v.toFixed(2)).join(' ')} (${os.cpus().length} cores)`);
  console.log(`'max deviation' = max |x − y| / max(|y|, D for MLS rows, 1 for cosines) against the JS kernels: mls-reference (MLS rows, paper form converted), cosine, or isotropic-prepared\n`);
  try {
    const all: Measurement[] = [];
    for (const config of CONFIGS) {
      const dataDir = path.join(tempDir, `d${config.dim}`);
      const data = writeDataset(dataDir, config.dim, config.countA, config.countB, SEED + config.dim);
      all.push(...runConfig(data, tempDir));
    }
    printTable(all);
    console.log(`load average at end ${os.loadavg().map((v) => v.toFixed(2)).join(' ')}`);
    const disagreeing = all.filter((m) => !m.agrees);
    console.log(
      disagreeing.length === 0
        ? `\nAll ${all.length} variants return the same scores within float32 tolerance (${FLOAT32_TOLERANCE}).`
        : `\nDISAGREEMENT beyond ${FLOAT32_TOLERANCE}: ${disagreeing.map((m) => `${m.variant} ${m.shape} D=${m.dim}`).join(', ')}`,
    );
    console.log(`Total ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    return disagreeing.length === 0 ? 0 : 1;
  } finally {
    rmSync(tempDir, { recursive: true, force: true });
  }
}

process.exitCode = main();
