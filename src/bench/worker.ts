/**
 * Child process of the benchmark: times one TypeScript variant on one shape, writes its
 * scores (raw float64) and prints one JSON line {variant, shape, dim, pairs, seconds, runs}.
 * Usage: node dist/bench/worker.js <dataDir> <dim> <countA> <countB> <variant> <shape> <outFile>
 * Run alone so that each variant is JIT-compiled and measured in a fresh V8 (no cross-talk
 * between kernels sharing one process).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { gaussianBatch } from '../core/index.js';
import { DATA_FILES, readFloat32File } from './bench-data.js';
import { medianSeconds } from './timing.js';
import { BENCH_VARIANTS, runVariant, type BenchShape, type BenchVariant } from './variants.js';

const [dataDir, dimText, countAText, countBText, variantText, shapeText, outFile] = process.argv.slice(2);
if (outFile === undefined || !(BENCH_VARIANTS as readonly string[]).includes(variantText!) || (shapeText !== 'scan' && shapeText !== 'matrix')) {
  process.stderr.write('usage: worker.js <dataDir> <dim> <countA> <countB> <variant> <scan|matrix> <outFile>\n');
  process.exit(2);
}
const dim = Number(dimText);
const a = gaussianBatch(readFloat32File(path.join(dataDir!, DATA_FILES.muA)), readFloat32File(path.join(dataDir!, DATA_FILES.sigmaSqA)), dim);
const b = gaussianBatch(readFloat32File(path.join(dataDir!, DATA_FILES.muB)), readFloat32File(path.join(dataDir!, DATA_FILES.sigmaSqB)), dim);
if (a.count !== Number(countAText) || b.count !== Number(countBText)) throw new Error('dataset does not match the given counts');
const probe = { dim, mu: a.mu.subarray(0, dim), sigmaSq: a.sigmaSq.subarray(0, dim) };
const shape: BenchShape = shapeText;
const variant = variantText as BenchVariant;
const pairs = shape === 'scan' ? b.count : a.count * b.count;
const out = new Float64Array(pairs);
const { seconds, runs } = medianSeconds(() => runVariant(variant, shape, probe, a, b, out));
writeFileSync(outFile, new Uint8Array(out.buffer));
process.stdout.write(`${JSON.stringify({ variant, shape, dim, pairs, seconds, runs })}\n`);
