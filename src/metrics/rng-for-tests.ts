/**
 * Seeded uniform random numbers in [0, 1) for tests (mulberry32, a public-domain 32-bit
 * generator by Tommy Ettinger): the same seed gives the same sequence on every run.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Checks `fn` throws a PfeError-like object with the given code (and message part). */
export function isErrorWithCode(code: string, messagePart?: RegExp): (e: unknown) => boolean {
  return (e: unknown) => {
    if (!(e instanceof Error) || e.name !== 'PfeError') return false;
    if ((e as Error & { code?: unknown }).code !== code) return false;
    return messagePart === undefined || messagePart.test(e.message);
  };
}
