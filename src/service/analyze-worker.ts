/**
 * Worker-thread entry of WorkerAnalyzerBackend: loads the face pipeline (FaceEmbedder)
 * and the uncertainty head named in workerData, then analyses each batch of encoded
 * images it is sent and posts the results back, transferring the arrays.
 */
import { workerData } from 'node:worker_threads';
import { uncertaintyScore } from '../core/uncertainty.js';
import { FaceEmbedder } from '../face/pipeline/face-embedder.js';
import type { AnalyzeResult } from './face-analysis.js';
import { type HeadBinding, loadHeadBinding, serviceEmbeddings } from '../head/head-binding.js';
import type { AnalyzerWorkerData } from './worker-analyzer.js';
import { serveWorkerRequests } from '../face/runtime/worker-channel.js';

async function analyze(embedder: FaceEmbedder, binding: HeadBinding | undefined, images: readonly Uint8Array[]): Promise<AnalyzeResult[]> {
  const results = await embedder.embedBatch(images.map((bytes, i) => ({ path: `<upload ${i}>`, bytes })));
  return results.map((r): AnalyzeResult => {
    if (r.status === 'failed') return r;
    const emb = serviceEmbeddings(binding, { count: 1, mu: r.mu, features: { pooled_global: r.pooledGlobal, pooled_grid2x2: r.pooledGrid2x2 } });
    const uncertainty = emb.sigmaSq === null ? null : uncertaintyScore({ dim: emb.dim, mu: emb.mu, sigmaSq: emb.sigmaSq });
    return {
      status: 'ok',
      face: {
        mu: emb.mu,
        sigmaSq: emb.sigmaSq,
        uncertainty,
        box: r.box ?? null,
        landmarks: r.landmarks,
        detectorScore: r.detectorScore,
        faceCount: r.faceCount,
        imageWidth: r.imageWidth,
        imageHeight: r.imageHeight,
      },
    };
  });
}

await serveWorkerRequests<readonly Uint8Array[], AnalyzeResult[]>('analyze-worker.js', async () => {
  const data = workerData as AnalyzerWorkerData;
  const embedder = await FaceEmbedder.load(data.embedder);
  // Every model now, not on the first request: a missing model fails the start, not each request.
  await embedder.loadDetector();
  const binding = data.headFile === undefined ? undefined : await loadHeadBinding(data.headFile);
  return async (images) => {
    const results = await analyze(embedder, binding, images);
    const transfer: ArrayBuffer[] = [];
    for (const r of results) {
      if (r.status !== 'ok') continue;
      transfer.push(r.face.mu.buffer as ArrayBuffer);
      if (r.face.sigmaSq !== null && r.face.sigmaSq.buffer !== r.face.mu.buffer) transfer.push(r.face.sigmaSq.buffer as ArrayBuffer);
    }
    return { results, transfer };
  };
});
