/**
 * Worker-thread entry of WorkerRunner: loads a FaceEmbedder with the options in
 * workerData, then embeds each batch it is sent and posts the results back
 * (transferring the arrays, not copying them).
 */
import { workerData } from 'node:worker_threads';
import { serveWorkerRequests } from '../runtime/worker-channel.js';
import { type EmbedRequest, type EmbedResult, FaceEmbedder, type FaceEmbedderOptions } from './face-embedder.js';

await serveWorkerRequests<readonly EmbedRequest[], EmbedResult[]>('embed-worker.js', async () => {
  const embedder = await FaceEmbedder.load(workerData as FaceEmbedderOptions);
  return async (requests) => {
    const results = await embedder.embedBatch(requests);
    const transfer: ArrayBuffer[] = [];
    for (const r of results) if (r.status === 'ok') transfer.push(r.mu.buffer as ArrayBuffer, r.pooledGlobal.buffer as ArrayBuffer, r.pooledGrid2x2.buffer as ArrayBuffer);
    return { results, transfer };
  };
});
