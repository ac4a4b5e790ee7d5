import {
  cosineMatrix,
  cosineScan,
  diagonalScoreMatrix,
  diagonalScoreScan,
  mlsMatrix,
  mlsReferenceMatrix,
  mlsReferenceScan,
  mlsScan,
  mlsSumPerElementLogKernel,
  embeddingAt,
  mlsScanPrepared,
  prepareGallery,
  type PreparedGallery,
  type DiagonalScoreDefinition,
  type GaussianBatch,
  type GaussianEmbedding,
  checkScanProbe,
  MutableGallery,
} from '../core/index.js';

/** The shapes timed: one probe against the gallery (1×N) or all probes (M×N). */
export type BenchShape = 'scan' | 'matrix';

/** The TypeScript variants timed, each in its own child process. */
export type BenchVariant = 'mls' | 'mls-prepared' | 'mls-reference' | 'mls-per-element-log' | 'cosine' | 'cosine-prepared' | 'isotropic-prepared';

/** All variants, in table order. */
export const BENCH_VARIANTS: readonly BenchVariant[] = ['mls', 'mls-prepared', 'mls-reference', 'mls-per-element-log', 'cosine', 'cosine-prepared', 'isotropic-prepared'];

/**
 * 'cosine-prepared' and 'isotropic-prepared' scan a MutableGallery (rows checked once,
 * cached norms): cosine, and the scalar-σ² MLS with each row's σ² = its first σ² value
 * (as a scalar head gives one σ² per image), at dot-product cost.
 */
const meanGalleries = new WeakMap<GaussianBatch, { cosine: MutableGallery; isotropic: MutableGallery }>();
function meanGalleriesOf(b: GaussianBatch): { cosine: MutableGallery; isotropic: MutableGallery } {
  let g = meanGalleries.get(b);
  if (g === undefined) {
    const cosine = new MutableGallery(b.dim, 'none');
    const isotropic = new MutableGallery(b.dim, 'isotropic');
    for (let j = 0; j < b.count; j++) {
      const mu = b.mu.subarray(j * b.dim, (j + 1) * b.dim);
      cosine.append(mu, null);
      isotropic.append(mu, b.sigmaSq[j * b.dim]!);
    }
    g = { cosine, isotropic };
    meanGalleries.set(b, g);
  }
  return g;
}

/** The scalar-σ² probe of row i of A: its first σ² over all D. */
function isotropicProbe(a: GaussianBatch, i: number) {
  const mu = a.mu.subarray(i * a.dim, (i + 1) * a.dim);
  return checkScanProbe(mu, new Float32Array(a.dim).fill(a.sigmaSq[i * a.dim]!), a.dim);
}

function scanMeanGallery(variant: 'cosine-prepared' | 'isotropic-prepared', a: GaussianBatch, i: number, b: GaussianBatch, out: Float64Array): void {
  const g = meanGalleriesOf(b);
  const probe = isotropicProbe(a, i);
  if (variant === 'cosine-prepared') g.cosine.scan(probe, { kind: 'cosine' }, (first, values) => out.set(values, first));
  else g.isotropic.scan(probe, { kind: 'isotropic' }, (first, values) => out.set(values, first));
}

/**
 * 'mls-prepared' scans a gallery checked once by prepareGallery (as an identification
 * service keeps its enrolled templates); the preparation happens in the untimed warm-up
 * call, as building an index would.
 */
const prepared = new WeakMap<GaussianBatch, PreparedGallery>();
function preparedOf(gallery: GaussianBatch): PreparedGallery {
  let g = prepared.get(gallery);
  if (g === undefined) {
    g = prepareGallery(gallery);
    prepared.set(gallery, g);
  }
  return g;
}

/**
 * Reference-form MLS through the same op layer but with one Math.log per dimension,
 * i.e. without the block-log trick: shows what the trick buys.
 */
const MLS_PER_ELEMENT_LOG: DiagonalScoreDefinition = {
  name: 'mls-per-element-log',
  kernel: (muA, sA, a0, muB, sB, b0, dim) => mlsSumPerElementLogKernel(muA, sA, a0, muB, sB, b0, dim),
  scale: -1,
  offset: () => 0,
};

/** Runs one variant once, writing float64 scores into `out` (length 1·N or M·N). */
export function runVariant(variant: BenchVariant, shape: BenchShape, probe: GaussianEmbedding, a: GaussianBatch, b: GaussianBatch, out: Float64Array): void {
  if (variant === 'cosine-prepared' || variant === 'isotropic-prepared') {
    const rows = shape === 'scan' ? 1 : a.count;
    for (let i = 0; i < rows; i++) scanMeanGallery(variant, a, i, b, out.subarray(i * b.count, (i + 1) * b.count));
    return;
  }
  if (shape === 'scan') {
    if (variant === 'mls') mlsScan(probe, b, out);
    else if (variant === 'mls-prepared') mlsScanPrepared(probe, preparedOf(b), out);
    else if (variant === 'mls-reference') mlsReferenceScan(probe, b, out);
    else if (variant === 'mls-per-element-log') diagonalScoreScan(MLS_PER_ELEMENT_LOG, probe, b, out);
    else cosineScan(probe, b, out);
  } else {
    if (variant === 'mls') mlsMatrix(a, b, out);
    else if (variant === 'mls-prepared') {
      const g = preparedOf(b);
      for (let i = 0; i < a.count; i++) mlsScanPrepared(embeddingAt(a, i), g, out.subarray(i * b.count, (i + 1) * b.count));
    } else if (variant === 'mls-reference') mlsReferenceMatrix(a, b, out);
    else if (variant === 'mls-per-element-log') diagonalScoreMatrix(MLS_PER_ELEMENT_LOG, a, b, out);
    else cosineMatrix(a, b, out);
  }
}
