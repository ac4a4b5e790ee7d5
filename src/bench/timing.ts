/**
 * Repeats `run` after one warm-up call (lets V8 optimise the kernel) until at least
 * `minRuns` runs and `minSeconds` of measured time, and returns the median seconds per run
 * (the median resists the odd slow run from GC or another process).
 */
export function medianSeconds(run: () => void, minRuns = 3, minSeconds = 0.6): { seconds: number; runs: number } {
  run();
  const times: number[] = [];
  let total = 0;
  while (times.length < minRuns || total < minSeconds) {
    const start = process.hrtime.bigint();
    run();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    times.push(seconds);
    total += seconds;
  }
  times.sort((x, y) => x - y);
  const middle = Math.floor(times.length / 2);
  const seconds = times.length % 2 === 1 ? times[middle]! : (times[middle - 1]! + times[middle]!) / 2;
  return { seconds, runs: times.length };
}
