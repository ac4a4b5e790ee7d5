#!/usr/bin/env python3
"""Golden values for the TypeScript scoring core (src/core/golden.test.ts).

Written independently of the TypeScript code, with the formulas of the reference
implementation (github.com/seasonSH/Probabilistic-Face-Embeddings, utils/utils.py):
pair_MLS_score, aggregate_PFE (with its l2_normalize, eps = 1e-8), plus cosine
similarity, the paper's MLS (-1/2 sum[...] - D/2 log 2 pi), the product-rule fusion and
the harmonic-mean uncertainty. Inputs are seeded, rounded to float32 (what the
TypeScript batches hold) and every formula is then evaluated in float64.

Run once from the package root:  python3 scripts/golden/make_golden.py
It rewrites fixtures/golden/golden-d{3,16,512}.json.
"""
import json
import math
import os

import numpy as np

OUT_DIR = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'golden')

# (dim, rows of A, rows of B, seed)
CASES = [(3, 4, 5, 3), (16, 4, 5, 16), (512, 3, 4, 512)]


def pair_mls_score(x1, x2, sigma_sq1, sigma_sq2):
    """utils.pair_MLS_score with explicit mu/sigma_sq: -sum(dmu^2/s + log s), s = s1 + s2."""
    sigma_sq_mutual = sigma_sq1 + sigma_sq2
    dist = np.sum(np.square(x1 - x2) / sigma_sq_mutual + np.log(sigma_sq_mutual), axis=1)
    return -dist


def l2_normalize(x, eps=1e-8):
    """utils.l2_normalize for one vector."""
    return x / (eps + np.linalg.norm(x))


def aggregate_pfe(mu, sigma_sq):
    """utils.aggregate_PFE(x, sigma_sq, normalize=True): attention-weighted mean, min variance."""
    attention = 1.0 / sigma_sq
    attention = attention / np.sum(attention, axis=0, keepdims=True)
    mu_new = np.sum(mu * attention, axis=0)
    sigma_sq_new = np.min(sigma_sq, axis=0)
    return l2_normalize(mu_new), sigma_sq_new


def product_rule(mu, sigma_sq):
    """Paper, fusion of independent images: 1/s = sum 1/s_i, mu = s * sum mu_i / s_i."""
    sigma_sq_new = 1.0 / np.sum(1.0 / sigma_sq, axis=0)
    return sigma_sq_new * np.sum(mu / sigma_sq, axis=0), sigma_sq_new


def float32_values(rng, shape, kind):
    if kind == 'mu':
        x = rng.normal(size=shape)
        x /= np.linalg.norm(x, axis=1, keepdims=True)  # unit vectors, like a face backbone's output
    else:
        x = np.exp(rng.uniform(math.log(1e-4), math.log(1e-1), size=shape))  # PFE-like variance range
    return x.astype(np.float32)


def as_list(x):
    # str(np.float32) is the shortest decimal that rounds back to the same float32,
    # so Float32Array.from(JSON) reproduces the inputs bit for bit.
    return [float(str(v)) for v in np.asarray(x, dtype=np.float32).ravel()]


def f64_list(x):
    return [float(v) for v in np.asarray(x, dtype=np.float64).ravel()]


def make_case(dim, rows_a, rows_b, seed):
    rng = np.random.default_rng(seed)
    mu_a32 = float32_values(rng, (rows_a, dim), 'mu')
    s_a32 = float32_values(rng, (rows_a, dim), 'sigma')
    mu_b32 = float32_values(rng, (rows_b, dim), 'mu')
    s_b32 = float32_values(rng, (rows_b, dim), 'sigma')
    mu_a, s_a, mu_b, s_b = (x.astype(np.float64) for x in (mu_a32, s_a32, mu_b32, s_b32))

    mls_reference = np.stack([pair_mls_score(np.repeat(mu_a[i:i + 1], rows_b, 0), mu_b,
                                             np.repeat(s_a[i:i + 1], rows_b, 0), s_b) for i in range(rows_a)])
    s = s_a[:, None, :] + s_b[None, :, :]
    d2 = np.square(mu_a[:, None, :] - mu_b[None, :, :])
    mls_paper = -0.5 * np.sum(d2 / s + np.log(s), axis=2) - 0.5 * dim * math.log(2 * math.pi)
    cosine = (mu_a @ mu_b.T) / np.outer(np.linalg.norm(mu_a, axis=1), np.linalg.norm(mu_b, axis=1))
    fused_min_mu, fused_min_s = aggregate_pfe(mu_a, s_a)
    fused_product_mu, fused_product_s = product_rule(mu_a, s_a)
    uncertainty_a = dim / np.sum(1.0 / s_a, axis=1)

    return {
        'generator': 'scripts/golden/make_golden.py',
        'seed': seed,
        'dim': dim,
        'a': {'count': rows_a, 'mu': as_list(mu_a32), 'sigmaSq': as_list(s_a32)},
        'b': {'count': rows_b, 'mu': as_list(mu_b32), 'sigmaSq': as_list(s_b32)},
        'mlsReferenceMatrix': f64_list(mls_reference),
        'mlsPaperMatrix': f64_list(mls_paper),
        'cosineMatrix': f64_list(cosine),
        'fuseMinOfA': {'mu': f64_list(fused_min_mu), 'sigmaSq': f64_list(fused_min_s)},
        'fuseProductOfA': {'mu': f64_list(fused_product_mu), 'sigmaSq': f64_list(fused_product_s)},
        'uncertaintyOfA': f64_list(uncertainty_a),
    }


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    for dim, rows_a, rows_b, seed in CASES:
        path = os.path.join(OUT_DIR, f'golden-d{dim}.json')
        with open(path, 'w') as f:
            json.dump(make_case(dim, rows_a, rows_b, seed), f)
            f.write('\n')
        print('wrote', os.path.normpath(path))


if __name__ == '__main__':
    main()
