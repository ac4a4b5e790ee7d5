/** Test helper: how well a backbone's fixture embeddings separate people. */

/**
 * Cosines of every pair i < j of N unit rows (N×D row-major), split by whether the two
 * rows show the same person.
 * @param people the person of each row, length N
 */
export function pairCosines(mu: Float32Array, dim: number, people: readonly string[]): { same: number[]; different: number[] } {
  const same: number[] = [];
  const different: number[] = [];
  for (let i = 0; i < people.length; i++) {
    for (let j = i + 1; j < people.length; j++) {
      let s = 0;
      for (let d = 0; d < dim; d++) s += mu[i * dim + d]! * mu[j * dim + d]!;
      (people[i] === people[j] ? same : different).push(s);
    }
  }
  return { same, different };
}
