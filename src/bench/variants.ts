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
} from '../core/index.js';

/** The shapes timed: one probe against the gallery (1×N) or all probes (M×N). */
export type BenchShape = 'scan' | 'matrix';

/** The TypeScript variants timed, each in its own child process. */
export type BenchVariant = 'mls' | 'mls-prepared' | 'mls-reference' | 'mls-per-element-log' | 'cosine';

/** All variants, in table order. */
export const BENCH_VARIANTS: readonly BenchVariant[] = ['mls', 'mls-prepared', 'mls-reference', 'mls-per-element-log', 'cosine'];

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
