/**
 * 1:N identification at gallery scale: seeded synthetic galleries of N templates in a
 * MutableGallery with shared shards, searched for the top 10 by the scan worker pool (as the
 * service's identify does). Per (D, σ² layout, N): build time, memory per template,
 * latency p50/p99 over sequential probes, queries/s with every worker busy, and top-10
 * recall against an exhaustive scan (every score, full sort) on this thread — with the
 * same kernels (must be exactly 1.0: the heap, the sharding and the merge lose nothing)
 * and with the float64 JavaScript kernels (1.0 unless float32 rounding swaps a near-tie).
 *
 *   npm run build && node dist/bench/identify-scale.js [--sizes 10000,100000,1000000]
 *     [--dims 128,192,1024] [--layouts isotropic,diagonal] [--probes 30] [--recall-probes 3]
 *     [--workers 2] [--max-gib 6]
 *
 * Rows: uniform in [−1, 1]^D then unit-normalised; σ² log-uniform in [1e-4, 1e-1] (one per
 * row for 'isotropic', as the shipped scalar head gives; one per dimension for 'diagonal').
 * Probes: a gallery row plus noise, so each has a true match.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { shardScoreOf, type GalleryLayout, type ShardScoreName } from '../core/gallery-shard.js';
import { withKernelBackend } from '../core/kernel-backend.js';
import { checkScanProbe, MutableGallery } from '../core/mutable-gallery.js';
import { SeededRandom } from '../core/random.js';
import { TopK } from '../core/top-k.js';
import { ScanPool } from '../service/scan-pool.js';

/** Seed of the synthetic galleries. */
const SEED = 20261203;
/** Candidates returned per probe. */
const TOP = 10;
/** σ² range of the synthetic rows: the span the shipped heads produce (README, head calibration). */
const LOG10_SIGMA_MIN = -4;
const LOG10_SIGMA_MAX = -1;

function unitRow(rng: SeededRandom, dim: number, out: Float32Array): Float32Array {
  let n = 0;
  for (let l = 0; l < dim; l++) n += (out[l] = 2 * rng.nextFloat() - 1) ** 2;
  const inv = 1 / Math.sqrt(n);
  for (let l = 0; l < dim; l++) out[l]! *= inv;
  return out;
}

function sigma(rng: SeededRandom): number {
  return 10 ** (LOG10_SIGMA_MIN + (LOG10_SIGMA_MAX - LOG10_SIGMA_MIN) * rng.nextFloat());
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Top-10 rows of an exhaustive scan on this thread: every score kept, then a full sort. */
function exhaustiveTop(gallery: MutableGallery, probe: ReturnType<typeof checkScanProbe>, score: ShardScoreName): number[] {
  const all = new Float64Array(gallery.count);
  gallery.scan(probe, shardScoreOf(score), (first, values) => all.set(values, first));
  const order = Array.from({ length: all.length }, (_, i) => i);
  order.sort((x, y) => all[y]! - all[x]! || x - y);
  return order.slice(0, TOP);
}

function overlap(a: readonly number[], b: readonly number[]): number {
  const set = new Set(a);
  return b.filter((r) => set.has(r)).length / a.length;
}

async function measure(pool: ScanPool, dim: number, layout: GalleryLayout, n: number, probes: number, recallProbes: number): Promise<void> {
  const rng = new SeededRandom(SEED + dim * 7 + n + (layout === 'diagonal' ? 1 : 0));
  const gallery = new MutableGallery(dim, layout, { shared: true });
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const mu = new Float32Array(dim);
  const sigmaRow = new Float32Array(dim);
  for (let i = 0; i < n; i++) {
    unitRow(rng, dim, mu);
    if (layout === 'isotropic') gallery.append(mu, sigma(rng));
    else {
      for (let l = 0; l < dim; l++) sigmaRow[l] = sigma(rng);
      gallery.append(mu, sigmaRow);
    }
  }
  const buildSeconds = (performance.now() - t0) / 1000;
  const shardBytes = gallery.shardHandles().reduce((s, h) => s + h.memory.buffer.byteLength, 0);
  const rssPerRow = (process.memoryUsage().rss - rssBefore) / n;
  const score: ShardScoreName = layout === 'isotropic' ? 'isotropic' : 'mls';
  const probeOf = (k: number) => {
    const row = gallery.row((k * 7919) % n);
    const noisy = Float32Array.from(row.mu, (v) => v + 0.3 * (2 * rng.nextFloat() - 1) / Math.sqrt(dim));
    const s = layout === 'isotropic' ? new Float32Array(dim).fill(sigma(rng)) : Float32Array.from({ length: dim }, () => sigma(rng));
    return checkScanProbe(noisy, s, dim);
  };
  const list = Array.from({ length: probes }, (_, k) => probeOf(k));
  for (let w = 0; w < 2; w++) await pool.topK(gallery, list[w]!, score, TOP); // warm-up (JIT)
  const latencies: number[] = [];
  const results: number[][] = [];
  for (const p of list) {
    const t = performance.now();
    const rows = await pool.topK(gallery, p, score, TOP);
    latencies.push(performance.now() - t);
    results.push(rows.map((r) => r.row));
  }
  latencies.sort((x, y) => x - y);
  // throughput: all probes in flight at once (each worker takes them in turn)
  const tq = performance.now();
  await Promise.all(list.map((p) => pool.topK(gallery, p, score, TOP)));
  const queriesPerSecond = list.length / ((performance.now() - tq) / 1000);
  let recallSame = 0;
  let recallJs = 0;
  const r = Math.min(recallProbes, list.length);
  for (let k = 0; k < r; k++) {
    recallSame += overlap(exhaustiveTop(gallery, list[k]!, score), results[k]!);
    recallJs += overlap(withKernelBackend('js', () => exhaustiveTop(gallery, list[k]!, score)), results[k]!);
  }
  // a sanity check of TopK on this thread too
  const inThread = new TopK(TOP);
  gallery.scan(list[0]!, shardScoreOf(score), (first, values) => inThread.offerAll(values, first));
  const same = inThread.sorted().every((c, i) => c.row === results[0]![i]);
  console.log(
    [
      String(dim).padStart(4),
      layout.padEnd(9),
      String(n).padStart(8),
      `${buildSeconds.toFixed(1)} s`.padStart(8),
      String(gallery.geometry.recordBytes).padStart(6),
      (shardBytes / n).toFixed(0).padStart(6),
      rssPerRow.toFixed(0).padStart(6),
      percentile(latencies, 50).toFixed(1).padStart(8),
      percentile(latencies, 99).toFixed(1).padStart(8),
      queriesPerSecond.toFixed(1).padStart(7),
      (recallSame / r).toFixed(3).padStart(6),
      (recallJs / r).toFixed(3).padStart(6),
      same ? 'yes' : 'NO',
    ].join('  '),
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '10000,100000,1000000' },
      dims: { type: 'string', default: '128,192,1024' },
      layouts: { type: 'string', default: 'isotropic,diagonal' },
      probes: { type: 'string', default: '30' },
      'recall-probes': { type: 'string', default: '3' },
      workers: { type: 'string', default: '2' },
      'max-gib': { type: 'string', default: '6' },
    },
  });
  const sizes = values.sizes.split(',').map(Number);
  const dims = values.dims.split(',').map(Number);
  const layouts = values.layouts.split(',') as GalleryLayout[];
  const maxBytes = Number(values['max-gib']) * 2 ** 30;
  const pool = new ScanPool(Number(values.workers));
  console.log(`1:N top-${TOP} identification — ${new Date().toISOString()}, node ${process.version}, ${os.cpus().length} cores, ${pool.size} scan workers`);
  console.log(`load average at start ${os.loadavg().map((v) => v.toFixed(2)).join(' ')}`);
  console.log('recall= : vs an exhaustive scan with the same kernels (full sort); recall64 : vs the float64 JS kernels');
  console.log('   D  layout            N     build  rec B  mem B  rss B   p50 ms   p99 ms    q/s  recall= recall64  heap=sort');
  try {
    for (const dim of dims) {
      for (const layout of layouts) {
        for (const n of sizes) {
          const bytes = n * (4 * (dim + (layout === 'diagonal' ? dim : 1) + 1));
          if (bytes > maxBytes) {
            console.log(`${String(dim).padStart(4)}  ${layout.padEnd(9)}  ${String(n).padStart(8)}  skipped: ${(bytes / 2 ** 30).toFixed(1)} GiB of rows > --max-gib ${values['max-gib']}`);
            continue;
          }
          await measure(pool, dim, layout, n, Number(values.probes), Number(values['recall-probes']));
        }
      }
    }
  } finally {
    await pool.close();
  }
  console.log(`load average at end ${os.loadavg().map((v) => v.toFixed(2)).join(' ')}`);
}

await main();
