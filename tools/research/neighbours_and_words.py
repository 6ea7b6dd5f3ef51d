#!/usr/bin/env python3
"""Would joining the text-neighbour and word tests, or a larger reference, open the 5% cells? (issue 13, round 6)

A research script, not a test: numpy and scipy (Debian's python3-numpy / python3-scipy), the draws of
admixture_limits.py (--nref SST-2 reference sentences, 1,000 current with 5% UCI amazon or yelp
sentences). The neighbour graph is text_neighbours.py's (TF-IDF cosine over distinct words, k = 5);
both statistics are computed on the same --perms permutations of the window labels, so every p-value,
the joined ones included, is exact (a joined statistic is standardised by the first 200 permutations,
a symmetric function of the permutation distribution). Printed per statistic: each draw's p-value and
how many draws reach 0.001 and 0.004 (an alert of a run needs about 8e-4 after BH among its dozen).

  k5           current texts with >= 4 current texts among their 5 nearest (Vigil's text_neighbours)
  exact5       the sum of the five largest exact hypergeometric word tails (Vigil's word_excess)
  exact1       the largest of them
  max z        the larger of k5 and exact5, each standardised
  sum z        the sum of the two standardised statistics
  fisher rank  -ln of each one's permutation p-value, summed
  min rank     the smaller of the two permutation p-values

Usage: python3 tools/research/neighbours_and_words.py --datasets DIR [--runs 10] [--perms 3000]
       [--nref 4000,5000] [--seed 7]
"""
import argparse
import sys
from pathlib import Path

import numpy as np
from scipy.stats import hypergeom

sys.path.insert(0, str(Path(__file__).parent))
from admixture_limits import bag, draw, sst_sentences, uci  # noqa: E402
from text_neighbours import neighbour_graph  # noqa: E402

K = 5
NAMES = ['k5', 'exact5', 'exact1', 'max z', 'sum z', 'fisher rank', 'min rank']


def prepare(texts, is_cur, rng):
    nb = neighbour_graph(texts, rng, K)
    n = len(texts)
    xb = bag(texts)
    t = np.asarray(xb.sum(0)).ravel()
    keep = t >= 3
    xt = xb[:, keep].T.tocsr().astype(np.float32)
    ti = t[keep].astype(int)
    ncur = int(is_cur.sum())
    tab = np.zeros((ti.max() + 1, ti.max() + 2))
    for v in set(ti):
        tab[v, : v + 1] = -np.log(np.clip(hypergeom.sf(np.arange(v + 1) - 1, n, ncur, v), 1e-300, 1))
    return nb, xt, ti, tab


def statistics(lbl, nb, xt, ti, tab):
    c = lbl[nb].sum(1)[lbl]
    e = tab[ti, np.rint(xt @ lbl.astype(np.float32)).astype(int)]
    return np.array([(c >= K - 1).sum(), np.partition(e, -5)[-5:].sum(), e.max()], float)


def p_values(obs, null):
    every = np.vstack([obs, null])
    m = len(every)
    tail = np.empty_like(every)  # each row's permutation p-value, P(X >= x) over all rows
    for j in range(every.shape[1]):
        tail[:, j] = (m - np.searchsorted(np.sort(every[:, j]), every[:, j], side='left')) / m
    z = (every - null[:200].mean(0)) / (null[:200].std(0) + 1e-12)
    out = list(tail[0])
    for joined in (z[:, :2].max(1), z[:, :2].sum(1), -np.log(tail[:, :2]).sum(1), -tail[:, :2].min(1)):
        out.append((1 + (joined[1:] >= joined[0]).sum()) / m)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--datasets', required=True)
    ap.add_argument('--runs', type=int, default=10)
    ap.add_argument('--perms', type=int, default=3000)
    ap.add_argument('--nref', default='4000,5000')
    ap.add_argument('--seed', type=int, default=7)
    a = ap.parse_args()
    sst = sst_sentences(a.datasets)
    for nref in map(int, a.nref.split(',')):
        rng = np.random.default_rng(a.seed)
        for dom in ['amazon_cells', 'yelp']:
            other = uci(a.datasets, dom)
            res = []
            for _ in range(a.runs):
                ref, cur = draw(rng, sst, other, 0.05, nref=nref)
                is_cur = np.r_[np.zeros(len(ref), bool), np.ones(len(cur), bool)]
                prep = prepare(ref + cur, is_cur, rng)
                obs = statistics(is_cur, *prep)
                null = np.array([statistics(rng.permutation(is_cur), *prep) for _ in range(a.perms)])
                res.append(p_values(obs, null))
            res = np.array(res)
            for i, name in enumerate(NAMES):
                ps = ' '.join(f'{v:.4f}' for v in res[:, i])
                print(f'ref {nref} {dom} {name:<11} {ps} | <= 0.001: {int((res[:, i] <= 0.001).sum())}, <= 0.004: {int((res[:, i] <= 0.004).sum())}', flush=True)


if __name__ == '__main__':
    main()
