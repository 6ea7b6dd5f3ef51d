#!/usr/bin/env python3
"""Which text-neighbour statistic finds 5% of UCI review sentences among SST-2 ones (issue 13, round 5).

A research script, not a test: numpy and scipy (Debian's python3-numpy / python3-scipy), the draws of
admixture_limits.py (4,000 SST-2 reference sentences, 1,000 current with 5% UCI amazon or yelp
sentences, or none). Every text of both samples gets its nearest texts by TF-IDF cosine over its
distinct words (words in one text left out); the neighbour graph is fixed and the window labels are
permuted (--perms), so each p-value is exact. Printed per statistic: the p-values of each draw and how
many reach 0.004 (roughly what one p-value among a run's dozen needs to come close to an alert).

  k5>=4        current texts with >= 4 current texts among their 5 nearest (what Vigil uses)
  k5 trunc     the sum over current texts with >= 3 of 5 of -ln P(Bin(5, share) >= count)
  t.3 maj3     >= 3 current among neighbours of similarity >= 0.3, all but one of them current
  t.15 >=2     >= 2 current among neighbours of similarity >= 0.15
  mutual cc    mutual 5-nearest pairs with both texts current
  exact5       the word test's sum of the five largest exact hypergeometric word tails (for comparison)
  max(k5,ex)   the larger of k5>=4 and exact5, each standardised by its first 100 permutations

Usage: python3 tools/research/text_neighbours.py --datasets DIR [--runs 12] [--perms 1100] [--seed 7]
"""
import argparse
import sys
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from scipy.stats import binom, hypergeom

sys.path.insert(0, str(Path(__file__).parent))
from admixture_limits import bag, draw, sst_sentences, toks, uci  # noqa: E402

K = 5


def tfidf(texts):
    vocab, rows, cols = {}, [], []
    for i, t in enumerate(texts):
        for w in set(toks(t)):
            rows.append(i)
            cols.append(vocab.setdefault(w, len(vocab)))
    x = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(texts), len(vocab)))
    df = np.asarray(x.sum(0)).ravel()
    idf = np.log(len(texts) / df)
    idf[df < 2] = 0
    x = x @ sp.diags(idf)
    nrm = np.sqrt(np.asarray(x.multiply(x).sum(1)).ravel()) + 1e-12
    return sp.diags(1 / nrm) @ x


def neighbour_graph(texts, rng, k=K):
    """Each text's k nearest texts by tfidf cosine (ties by a random rank, never by window); k unordered."""
    x = tfidf(texts)
    n = x.shape[0]
    s = (x @ x.T).toarray() + rng.random((n, n)) * 1e-9
    np.fill_diagonal(s, -np.inf)
    return np.argpartition(-s, k, axis=1)[:, :k]


def p_values(texts, is_cur, rng, perms):
    x = tfidf(texts)
    s = (x @ x.T).toarray()
    s += rng.random(s.shape) * 1e-9  # ties by a random rank, never by window
    np.fill_diagonal(s, -1)
    nb = np.argsort(-s, axis=1)[:, :K]
    sim = np.take_along_axis(s, nb, 1)
    n = len(is_cur)
    adj = sp.csr_matrix((np.ones(nb.size), (np.repeat(np.arange(n), K), nb.ravel())), shape=(n, n))
    mut = adj.multiply(adj.T).tocoo()
    xb = bag(texts)
    t = np.asarray(xb.sum(0)).ravel()
    keep = t >= 3
    xt = xb[:, keep].T.tocsr()
    ti = t[keep].astype(int)
    ncur = int(is_cur.sum())
    tab = {v: -np.log(np.clip(hypergeom.sf(np.arange(v + 1) - 1, n, ncur, v), 1e-300, 1)) for v in set(ti)}
    tails = [tab[v] for v in ti]
    sur = -binom.logsf(np.arange(K + 1) - 1, K, ncur / n)

    def stats(lbl):
        c_all = lbl[nb]
        c = c_all.sum(1)[lbl]
        out = [(c >= 4).sum(), np.where(c >= 3, sur[c], 0).sum()]
        ok3 = sim >= 0.3
        cc = (c_all & ok3).sum(1)[lbl]
        m = ok3.sum(1)[lbl]
        out.append(((cc >= 3) & (cc >= m - 1)).sum())
        out.append(((c_all & (sim >= 0.15)).sum(1)[lbl] >= 2).sum())
        out.append((lbl[mut.row] & lbl[mut.col]).sum())
        cw = (xt @ lbl.astype(float)).astype(int)
        e = np.sort(np.fromiter((tails[j][cw[j]] for j in range(len(cw))), float, len(cw)))[-5:].sum()
        out.append(e)
        return np.array(out, float)

    obs = stats(is_cur)
    null = np.array([stats(rng.permutation(is_cur)) for _ in range(perms)])
    cal, rest = null[:100], null[100:]
    single = (1 + (rest >= obs).sum(0)) / (len(rest) + 1)
    z = lambda v: (v - cal.mean(0)) / (cal.std(0) + 1e-12)  # noqa: E731
    co, cr = z(obs)[[0, 5]].max(), z(rest)[:, [0, 5]].max(1)
    return np.r_[single, (1 + (cr >= co).sum()) / (len(rest) + 1)]


NAMES = ['k5>=4', 'k5 trunc', 't.3 maj3', 't.15 >=2', 'mutual cc', 'exact5', 'max(k5,ex)']


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--datasets', required=True)
    ap.add_argument('--runs', type=int, default=12)
    ap.add_argument('--perms', type=int, default=1100)
    ap.add_argument('--seed', type=int, default=7)
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    sst = sst_sentences(a.datasets)
    for dom in ['amazon_cells', 'yelp', None]:
        other = uci(a.datasets, dom) if dom else []
        res = []
        for _ in range(a.runs):
            ref, cur = draw(rng, sst, other, 0.05 if dom else 0.0)
            is_cur = np.r_[np.zeros(len(ref), bool), np.ones(len(cur), bool)]
            res.append(p_values(ref + cur, is_cur, rng, a.perms))
        res = np.array(res)
        for i, nm in enumerate(NAMES):
            ps = ' '.join(f'{v:.3f}' for v in res[:, i])
            print(dom or 'none', nm.ljust(11), ps, ' <= 0.004:', int((res[:, i] <= 0.004).sum()), flush=True)


if __name__ == '__main__':
    main()
