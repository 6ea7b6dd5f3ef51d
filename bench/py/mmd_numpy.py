"""MMD^2_u permutation test in plain NumPy, the way Evidently / alibi-detect style code writes it.

usage: python3 bench/py/mmd_numpy.py <float32 file> <n> <m> <dim> <permutations>
Prints JSON: {"seconds": ..., "mmd2": ..., "bandwidth": ..., "p_value": ...}.
"""
import json
import sys
import time

import numpy as np


def rbf_kernel(x, y, sigma):
    d2 = np.sum(x**2, axis=1)[:, None] + np.sum(y**2, axis=1)[None, :] - 2 * x @ y.T
    return np.exp(-np.maximum(d2, 0) / (2 * sigma**2))


def mmd2_from_kernel(k, n):
    kxx, kyy, kxy = k[:n, :n], k[n:, n:], k[:n, n:]
    m = k.shape[0] - n
    return ((kxx.sum() - np.trace(kxx)) / (n * (n - 1)) + (kyy.sum() - np.trace(kyy)) / (m * (m - 1))
            - 2 * kxy.mean())


def mmd_permutation_test(x, y, n_permutations=100, seed=0):
    z = np.vstack([x, y])
    d2 = np.sum(z**2, axis=1)[:, None] + np.sum(z**2, axis=1)[None, :] - 2 * z @ z.T
    sigma = np.median(np.sqrt(np.maximum(d2[np.triu_indices(len(z), k=1)], 0)))
    k = rbf_kernel(z, z, sigma)
    n = len(x)
    observed = mmd2_from_kernel(k, n)
    rng = np.random.default_rng(seed)
    count = 0
    for _ in range(n_permutations):
        idx = rng.permutation(len(z))
        if mmd2_from_kernel(k[np.ix_(idx, idx)], n) >= observed:
            count += 1
    return observed, sigma, (count + 1) / (n_permutations + 1)


if __name__ == "__main__":
    path, n, m, dim, b = sys.argv[1], *map(int, sys.argv[2:6])
    data = np.fromfile(path, dtype=np.float32).astype(np.float64).reshape(n + m, dim)
    start = time.perf_counter()
    mmd2, sigma, p = mmd_permutation_test(data[:n], data[n:], b)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "mmd2": float(mmd2), "bandwidth": float(sigma), "p_value": p}))
