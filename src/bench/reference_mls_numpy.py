#!/usr/bin/env python3
"""numpy reference for the scoring benchmark (src/bench/run-all.ts).

MLS with the semantics of utils.pair_MLS_score in github.com/seasonSH/Probabilistic-Face-Embeddings:
-sum_l[(mu1 - mu2)^2 / (s1 + s2) + log(s1 + s2)], vectorised over the gallery (one call
per probe row, the gallery as an N x D array, float32 as the reference code's features),
and cosine as a normalised matrix product (normalising the gallery in every call, and
'cosine-prepared' against a gallery normalised once beforehand). One thread (the caller sets the BLAS thread
variables). Times each after one warm-up run (median of >= 3 runs and >= 0.6 s), writes
the scores as raw float64 and prints one JSON line per (metric, shape).

Usage: python3 reference_mls_numpy.py <dataDir> <dim> <countA> <countB> <outDir>
"""
import json
import os
import sys
import time

import numpy as np


def pair_mls_rows(mu1, s1, mu2, s2):
    """Scores of each row of (mu1, s1) against every row of (mu2, s2), as pair_MLS_score."""
    out = np.empty((mu1.shape[0], mu2.shape[0]), dtype=np.float32)
    for i in range(mu1.shape[0]):
        sigma_sq_mutual = s1[i] + s2
        dist = np.sum(np.square(mu1[i] - mu2) / sigma_sq_mutual + np.log(sigma_sq_mutual), axis=1)
        out[i] = -dist
    return out


def cosine_rows(mu1, mu2):
    n1 = mu1 / np.linalg.norm(mu1, axis=1, keepdims=True)
    n2 = mu2 / np.linalg.norm(mu2, axis=1, keepdims=True)
    return n1 @ n2.T


def dot_prepared_rows(mu1, n2):
    """Cosine against a gallery normalised once beforehand (as an index keeps it): one BLAS product."""
    n1 = mu1 / np.linalg.norm(mu1, axis=1, keepdims=True)
    return n1 @ n2.T


def median_seconds(run, min_runs=3, min_seconds=0.6):
    run()
    times = []
    while len(times) < min_runs or sum(times) < min_seconds:
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return float(np.median(times)), len(times)


def main():
    data_dir, dim, count_a, count_b, out_dir = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    load = lambda name, rows: np.fromfile(os.path.join(data_dir, name), dtype='<f4').reshape(rows, dim)
    mu_a, s_a = load('mu_a.f32', count_a), load('sigma_sq_a.f32', count_a)
    mu_b, s_b = load('mu_b.f32', count_b), load('sigma_sq_b.f32', count_b)
    normalised_b = mu_b / np.linalg.norm(mu_b, axis=1, keepdims=True)
    jobs = {
        ('numpy-mls-reference', 'scan'): lambda: pair_mls_rows(mu_a[:1], s_a[:1], mu_b, s_b),
        ('numpy-mls-reference', 'matrix'): lambda: pair_mls_rows(mu_a, s_a, mu_b, s_b),
        ('numpy-cosine', 'scan'): lambda: cosine_rows(mu_a[:1], mu_b),
        ('numpy-cosine', 'matrix'): lambda: cosine_rows(mu_a, mu_b),
        ('numpy-cosine-prepared', 'scan'): lambda: dot_prepared_rows(mu_a[:1], normalised_b),
        ('numpy-cosine-prepared', 'matrix'): lambda: dot_prepared_rows(mu_a, normalised_b),
    }
    for (variant, shape), job in jobs.items():
        seconds, runs = median_seconds(job)
        scores = job().astype(np.float64).ravel()
        scores.tofile(os.path.join(out_dir, f'{variant}-{shape}-d{dim}.f64'))
        print(json.dumps({'variant': variant, 'shape': shape, 'dim': dim, 'pairs': int(scores.size), 'seconds': seconds, 'runs': runs}), flush=True)


if __name__ == '__main__':
    main()
