#!/usr/bin/env python3
"""Do the common words of a small share of new text give it away? (issue 13, round 7)

A research script, not a test: numpy and scipy (Debian's python3-numpy / python3-scipy), the draws of
admixture_limits.py (4,000 SST-2 reference sentences, 1,000 current with 5% UCI amazon or yelp
sentences, or none). Rounds 4-6 looked at rare words (exact tails, neighbours by shared rare words).
This asks the opposite question, that of stylometry: review sentences say "i", "my", "was", "this"
("this phone", "the food was great") more often than critics' sentences, and a common word is in
many texts, so its count is nearly normal and 50 texts might shift many of them at once. For the
words in at least --lo of all texts (and at most half of them), with z the excess of current texts
containing the word over its hypergeometric mean, three window statistics:

  top10 / top30   the sum of the 10 / 30 largest z
  sq+             the sum of squares of the positive z

each alone and each added (standardised by the first 200 permutations) to the text-neighbour count k5
(Vigil's novelty.text_neighbours: current texts with >= 4 current texts among their 5 nearest). Every
statistic is computed on the same --perms permutations of the window labels, so every p-value is
exact. Printed per statistic: each draw's p-value and how many reach 0.001 (about what an alert of
a run needs after BH among its dozen p-values).

Usage: python3 tools/research/frequent_words.py --datasets DIR [--runs 10] [--perms 2000] [--seed 7]
"""
import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from admixture_limits import bag, draw, sst_sentences, uci  # noqa: E402
from text_neighbours import neighbour_graph  # noqa: E402

K = 5
LOWS = (0.003, 0.01, 0.03)
KINDS = ('top10', 'top30', 'sq+')


def prepare(texts, is_cur, rng):
    out = {'nb': neighbour_graph(texts, rng, K)}
    n = len(texts)
    xb = bag(texts)
    t = np.asarray(xb.sum(0)).ravel()
    p = is_cur.mean()
    for lo in LOWS:
        keep = (t >= lo * n) & (t <= 0.5 * n)
        ti = t[keep]
        out[lo] = (xb[:, keep].T.tocsr().astype(np.float32), ti * p, np.sqrt(ti * p * (1 - p) * (n - ti) / (n - 1)))
    return out


def statistics(lbl, prep):
    c = lbl[prep['nb']].sum(1)[lbl]
    r = [(c >= K - 1).sum()]
    for lo in LOWS:
        xt, mu, sd = prep[lo]
        z = np.sort((xt @ lbl.astype(np.float32) - mu) / sd)
        r += [z[-10:].sum(), z[-30:].sum(), (np.clip(z, 0, None) ** 2).sum()]
    return np.array(r, float)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--datasets', required=True)
    ap.add_argument('--runs', type=int, default=10)
    ap.add_argument('--perms', type=int, default=2000)
    ap.add_argument('--seed', type=int, default=7)
    a = ap.parse_args()
    names = ['k5'] + [f'{lo} {k}' for lo in LOWS for k in KINDS]
    names += [f'k5 + {n}' for n in names[1:]]
    sst = sst_sentences(a.datasets)
    rng = np.random.default_rng(a.seed)
    for dom in ['amazon_cells', 'yelp', 'none']:
        other = uci(a.datasets, 'yelp' if dom == 'none' else dom)
        res = []
        for _ in range(a.runs):
            ref, cur = draw(rng, sst, other, 0.0 if dom == 'none' else 0.05)
            is_cur = np.r_[np.zeros(len(ref), bool), np.ones(len(cur), bool)]
            prep = prepare(ref + cur, is_cur, rng)
            obs = statistics(is_cur, prep)
            null = np.array([statistics(rng.permutation(is_cur), prep) for _ in range(a.perms)])
            z = (np.vstack([obs, null]) - null[:200].mean(0)) / (null[:200].std(0) + 1e-12)
            ps = list((1 + (null >= obs).sum(0)) / (a.perms + 1))
            for j in range(1, len(obs)):
                joined = z[:, 0] + z[:, j]
                ps.append((1 + (joined[1:] >= joined[0]).sum()) / (a.perms + 1))
            res.append(ps)
        res = np.array(res)
        for i, name in enumerate(names):
            line = ' '.join(f'{v:.4f}' for v in res[:, i])
            print(f'{dom:<12} {name:<16} {line} | <= 0.001: {int((res[:, i] <= 0.001).sum())}', flush=True)


if __name__ == '__main__':
    main()
