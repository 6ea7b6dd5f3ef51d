"""The drift tests of bench/stats-methods.ts written the way the Python peers write them (Evidently's
stattests call scipy.stats; classifier-based drift uses scikit-learn), timed best of N runs.

usage: python3 bench/py/stats_methods.py <dir> <runs>
<dir> holds a.f64 and b.f64 (1-D samples), la.u8 and lb.u8 (class labels), emb.f32 with shape.json.
Prints one JSON object: {method: {"ms": ..., "statistic": ..., "p_value": ...}}; a method whose
packages are missing is reported as {"skipped": "..."}.
"""
import json
import os
import sys
import time

import numpy as np
from scipy import stats

sys.path.insert(0, os.path.dirname(__file__))
from mmd_numpy import mmd_permutation_test  # noqa: E402


def best(runs, fn):
    ms, value = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        value = fn()
        ms = min(ms, (time.perf_counter() - start) * 1000)
    return ms, value


def chi_square(la, lb, k):
    table = np.vstack([np.bincount(la, minlength=k), np.bincount(lb, minlength=k)])
    chi2, p, _, _ = stats.chi2_contingency(table, correction=False)
    return chi2, p


def wasserstein(a, b):
    # Evidently's wasserstein_distance_norm: the distance in reference standard deviations.
    return stats.wasserstein_distance(a, b) / np.std(a), None


def domain_classifier(x, y, seed=1):
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    data = np.vstack([x, y])
    target = np.r_[np.zeros(len(x)), np.ones(len(y))]
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=200))
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
    proba = cross_val_predict(model, data, target, cv=folds, method="predict_proba")[:, 1]
    return roc_auc_score(target, proba), None


def main():
    d, runs = sys.argv[1], int(sys.argv[2])
    shape = json.load(open(os.path.join(d, "shape.json")))
    a = np.fromfile(os.path.join(d, "a.f64"))
    b = np.fromfile(os.path.join(d, "b.f64"))
    la = np.fromfile(os.path.join(d, "la.u8"), dtype=np.uint8)
    lb = np.fromfile(os.path.join(d, "lb.u8"), dtype=np.uint8)
    emb = np.fromfile(os.path.join(d, "emb.f32"), dtype=np.float32).astype(np.float64)
    emb = emb.reshape(shape["rows"], shape["dim"])
    n_mmd, n_dc = shape["mmd_per_side"], shape["dc_per_side"]
    out = {}

    def record(name, ms, value):
        out[name] = {"ms": ms, "statistic": float(value[0]),
                     "p_value": None if value[1] is None else float(value[1])}

    record("ks", *best(runs, lambda: tuple(stats.ks_2samp(a, b))))
    record("chi_square", *best(runs, lambda: chi_square(la, lb, shape["classes"])))
    record("wasserstein", *best(runs, lambda: wasserstein(a, b)))
    x, y = emb[:n_mmd], emb[n_mmd:2 * n_mmd]
    ms, (mmd2, _sigma, p) = best(1, lambda: mmd_permutation_test(x, y, shape["permutations"], seed=1))
    out["mmd"] = {"ms": ms, "statistic": float(mmd2), "p_value": float(p)}
    try:
        x, y = emb[:n_dc], emb[n_mmd:n_mmd + n_dc]
        record("domain_classifier", *best(runs, lambda: domain_classifier(x, y)))
    except ImportError as e:
        out["domain_classifier"] = {"skipped": f"scikit-learn not importable: {e}"}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
