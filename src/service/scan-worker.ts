/**
 * A scan worker thread (scan-pool.ts): scores row ranges of gallery shards, whose records
 * live in shared WebAssembly memories, against one probe, and answers the k best rows of its
 * ranges. It instantiates the kernels over each shard's memory per request (tens of
 * microseconds) instead of caching them, so it never keeps a dropped gallery's memory alive.
 */
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { instantiateKernels, wasmUnavailableReason, type WasmMemory } from '../core/mutable-gallery.js';
import { scanShard, shardScoreOf, type ScanProbe, type ShardGeometry, type ShardScoreName, type SigmaRange } from '../core/gallery-shard.js';
import { TopK, type ScoredRow } from '../core/top-k.js';

/** One range of one shard: local rows start .. end − 1, gallery rows from firstRow + start. */
export interface ScanRange {
  readonly memory: WasmMemory;
  readonly firstRow: number;
  readonly start: number;
  readonly end: number;
}

/** A request to a scan worker. */
export interface ScanRequest {
  readonly id: number;
  readonly geometry: ShardGeometry;
  readonly ranges: readonly ScanRange[];
  readonly probe: ScanProbe;
  readonly score: ShardScoreName;
  readonly range: SigmaRange;
  readonly k: number;
}

/** A scan worker's answer: the k best rows of its ranges, or the error message. */
export type ScanReply = { readonly id: number; readonly rows: ScoredRow[] } | { readonly id: number; readonly error: string };

const { slot, nice } = workerData as { slot: number; nice: number };
// Scans yield the CPU to the event loop: on Linux a priority set with pid 0 applies to the
// calling thread only, so this lowers this worker, not the process.
try {
  os.setPriority(0, nice);
} catch {
  // not permitted here: scan at the normal priority
}
const shared = wasmUnavailableReason(true) === null;

parentPort!.on('message', (request: ScanRequest) => {
  try {
    const top = new TopK(request.k);
    const score = shardScoreOf(request.score);
    for (const r of request.ranges) {
      const kernels = shared ? instantiateKernels(r.memory, true) : null;
      scanShard(request.geometry, r.memory, kernels, slot, r.start, r.end, request.probe, score, request.range, (first, values) =>
        top.offerAll(values, r.firstRow + first),
      );
    }
    parentPort!.postMessage({ id: request.id, rows: top.sorted() } satisfies ScanReply);
  } catch (error) {
    parentPort!.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) } satisfies ScanReply);
  }
});
