/**
 * The scalar-σ² (isotropic) MLS scan against the cosine scan of the same rows, in one process
 * (so machine load hits both alike): MutableGallery.scan on this thread, N·D = 5.12 M values,
 * best of 15 scans each, three rounds. Their ratio is the cost of the per-row division and log.
 *
 *   npm run build && node dist/bench/scalar-vs-cosine-scan.js [D]   (default 128)
 */
import { checkScanProbe, MutableGallery } from '../core/mutable-gallery.js';
import type { ShardScore } from '../core/gallery-shard.js';
import { SeededRandom } from '../core/random.js';

/** Seed of the synthetic rows. */
const SEED = 20261205;
/** Values per gallery (N·D), as in npm run bench. */
const VALUES = 5_120_000;

const dim = Number(process.argv[2] ?? 128);
const n = Math.floor(VALUES / dim);
const rng = new SeededRandom(SEED);
const cosine = new MutableGallery(dim, 'none');
const isotropic = new MutableGallery(dim, 'isotropic');
for (let i = 0; i < n; i++) {
  const mu = Float32Array.from({ length: dim }, () => rng.nextFloat() - 0.5);
  cosine.append(mu, null);
  isotropic.append(mu, 10 ** (-4 + 3 * rng.nextFloat()));
}
const probe = checkScanProbe(Float32Array.from({ length: dim }, () => rng.nextFloat() - 0.5), new Float32Array(dim).fill(0.01), dim);

function bestMs(gallery: MutableGallery, score: ShardScore): number {
  const sink = (): void => {};
  gallery.scan(probe, score, sink);
  let best = Infinity;
  for (let r = 0; r < 15; r++) {
    const t = performance.now();
    gallery.scan(probe, score, sink);
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

for (let round = 0; round < 3; round++) {
  const c = bestMs(cosine, { kind: 'cosine' });
  const s = bestMs(isotropic, { kind: 'isotropic' });
  console.log(`D=${dim} N=${n}: cosine ${((c * 1e6) / n).toFixed(1)} ns/row, scalar-σ² MLS ${((s * 1e6) / n).toFixed(1)} ns/row, ratio ${(s / c).toFixed(2)}`);
}
