/**
 * A poll of GET /v1/health while a benchmark loads the service: how long the service takes
 * to answer the cheapest request shows how long other work holds its event loop.
 */

/** Latencies (ms, ascending) of the polled health requests and how many did not answer 200. */
export interface HealthPoll {
  readonly latencies: number[];
  readonly failures: number;
}

/** Latencies (ms) of GET /v1/health, polled every `intervalMs` until stopped, and the non-200 count. */
export function pollHealth(url: string, intervalMs = 20): { stop(): Promise<HealthPoll> } {
  let running = true;
  const latencies: number[] = [];
  let failures = 0;
  const loop = (async () => {
    while (running) {
      const t = performance.now();
      try {
        const res = await fetch(`${url}/v1/health`);
        await res.arrayBuffer();
        if (res.status !== 200) failures++;
      } catch {
        failures++;
      }
      latencies.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { latencies: latencies.sort((a, b) => a - b), failures };
    },
  };
}
