/**
 * Worker-thread entry of WorkerRunner: loads a FaceEmbedder with the options in
 * workerData, then embeds each batch it is sent and posts the results back
 * (transferring the arrays, not copying them).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { WorkerReply } from './batch-runner.js';
import { type EmbedRequest, FaceEmbedder, type FaceEmbedderOptions } from './face-embedder.js';

const port = parentPort;
if (port === null) throw new Error('embed-worker.js must run as a worker thread');

function post(reply: WorkerReply, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(reply, transfer);
}

try {
  const embedder = await FaceEmbedder.load(workerData as FaceEmbedderOptions);
  port.on('message', (requests: EmbedRequest[]) => {
    embedder.embedBatch(requests).then(
      (results) => {
        const transfer: ArrayBuffer[] = [];
        for (const r of results) if (r.status === 'ok') transfer.push(r.mu.buffer as ArrayBuffer, r.pooledGlobal.buffer as ArrayBuffer, r.pooledGrid2x2.buffer as ArrayBuffer);
        post({ type: 'results', results }, transfer);
      },
      (e: unknown) => post({ type: 'error', message: e instanceof Error ? e.message : String(e) }),
    );
  });
  post({ type: 'ready' });
} catch (e) {
  post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
}
