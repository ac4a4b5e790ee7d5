/**
 * The k best of a stream of (score, row), without sorting the stream: a bounded binary
 * min-heap whose root is the worst kept candidate, so a candidate that cannot enter costs
 * one comparison. O(N log k) worst case, O(N) typical. Ties are broken by the lower row,
 * so the result is the first k of a full sort by (score descending, row ascending).
 */

/** One kept candidate. */
export interface ScoredRow {
  readonly row: number;
  readonly score: number;
}

/** True when (s1, r1) ranks after (s2, r2). */
function worse(s1: number, r1: number, s2: number, r2: number): boolean {
  return s1 < s2 || (s1 === s2 && r1 > r2);
}

/** A bounded selection of the k best rows. */
export class TopK {
  readonly k: number;
  private readonly scores: Float64Array;
  private readonly rows: Float64Array;
  private size = 0;

  /** @param k how many to keep (≥ 0) */
  constructor(k: number) {
    this.k = Math.max(0, Math.floor(k));
    this.scores = new Float64Array(this.k);
    this.rows = new Float64Array(this.k);
  }

  /** The score a candidate must beat to enter (−∞ until k are kept). */
  get threshold(): number {
    return this.size < this.k ? -Infinity : this.scores[0]!;
  }

  /** Offers one candidate. */
  offer(score: number, row: number): void {
    if (this.size < this.k) {
      let i = this.size++;
      // sift up
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!worse(score, row, this.scores[parent]!, this.rows[parent]!)) break;
        this.scores[i] = this.scores[parent]!;
        this.rows[i] = this.rows[parent]!;
        i = parent;
      }
      this.scores[i] = score;
      this.rows[i] = row;
      return;
    }
    if (this.k === 0 || worse(score, row, this.scores[0]!, this.rows[0]!) || (score === this.scores[0] && row === this.rows[0])) return;
    // replace the root, sift down
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= this.size) break;
      const right = left + 1;
      const child = right < this.size && worse(this.scores[right]!, this.rows[right]!, this.scores[left]!, this.rows[left]!) ? right : left;
      if (!worse(this.scores[child]!, this.rows[child]!, score, row)) break;
      this.scores[i] = this.scores[child]!;
      this.rows[i] = this.rows[child]!;
      i = child;
    }
    this.scores[i] = score;
    this.rows[i] = row;
  }

  /** Offers values[j] as row rowOffset + j for every j; most are rejected by one comparison. */
  offerAll(values: ArrayLike<number>, rowOffset: number): void {
    let threshold = this.threshold;
    for (let j = 0; j < values.length; j++) {
      const v = values[j]!;
      if (v >= threshold) {
        this.offer(v, rowOffset + j);
        threshold = this.threshold;
      }
    }
  }

  /** The kept candidates, best first. */
  sorted(): ScoredRow[] {
    const out: ScoredRow[] = [];
    for (let i = 0; i < this.size; i++) out.push({ row: this.rows[i]!, score: this.scores[i]! });
    return out.sort((x, y) => y.score - x.score || x.row - y.row);
  }
}

/** The k best of several selections (e.g. one per shard or worker), best first. */
export function mergeTopK(parts: readonly (readonly ScoredRow[])[], k: number): ScoredRow[] {
  const top = new TopK(k);
  for (const part of parts) for (const c of part) top.offer(c.score, c.row);
  return top.sorted();
}
