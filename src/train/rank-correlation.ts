/** Spearman's rank correlation, used to compare learned σ² with known noise levels. */
import { PfeError } from '../core/errors.js';

/** Ranks 1..n with ties given their average rank. */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Float64Array(n);
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && values[order[j + 1]!] === values[order[i]!]) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]!] = r;
    i = j + 1;
  }
  return ranks;
}

/**
 * Spearman's ρ: the Pearson correlation of the average ranks (ties handled).
 * @throws PfeError DIMENSION_MISMATCH for unequal lengths, EMPTY_INPUT below 2 values, INVALID_ARGUMENT for a constant input
 */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) throw new PfeError('DIMENSION_MISMATCH', `${x.length} vs ${y.length} values`);
  if (x.length < 2) throw new PfeError('EMPTY_INPUT', 'Spearman correlation needs at least 2 values');
  const rx = averageRanks(x);
  const ry = averageRanks(y);
  const n = x.length;
  const mean = (n + 1) / 2;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (rx[i]! - mean) * (ry[i]! - mean);
    sxx += (rx[i]! - mean) ** 2;
    syy += (ry[i]! - mean) ** 2;
  }
  if (sxx === 0 || syy === 0) throw new PfeError('INVALID_ARGUMENT', 'Spearman correlation is undefined for a constant input');
  return sxy / Math.sqrt(sxx * syy);
}
