#!/usr/bin/env python3
"""How far words can go on the admixture protocol's open cells (issue 13): 5% of UCI amazon / yelp
sentences (50 texts) in a window of 1,000 held-out SST-2 sentences, against 4,000 reference sentences.

A research script, not a test: numpy and scipy (Debian's python3-numpy / python3-scipy). It reads the
datasets from --datasets (never committed) and prints, for the words of each text (lower-cased, the
pattern of functions/lib/stats/novelty-scores.ts), every window statistic as a permutation p-value
(the same pooled texts split at random, --perms times; an alert of the run needs p below about 1e-3,
so a p at the floor 1 / (perms + 1) says only "maybe"):

  oracle   a logistic regression trained on 500 labelled new-domain sentences and 2,372 SST-2 ones:
           how separable single texts are when the new kind is known in advance (AUC, and the power
           of a tail count of its scores at 5%);
  fixed    scores fitted on the reference alone (mean / bigram surprisal, share of unseen and rare
           words, length): true-positive rate at 1% and 5% false-positive rate;
  words    statistics over per-word exact tails: top-5 and top-20 surprisal sums (as Vigil's word
           test), truncated products at p < 0.01 / 0.001 (Zaykin et al. 2002), higher criticism
           (Donoho & Jin 2004), the count of words with p < 0.001;
  mixture  the likelihood-ratio gain of a two-component unigram mixture fitted by EM in the current
           window (reference component fixed, new component with a Dirichlet prior);
  crossfit a ridge logistic regression of current vs reference on one half, a tail count of the
           other half's scores, both halves combined (Stouffer; printed as a z, about 3.1 for 1e-3).

Usage: python3 tools/research/admixture_limits.py --datasets DIR [--runs 4] [--only oracle,words]
"""
import argparse
import collections
import math
import re
import time

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize
from scipy.stats import hypergeom, mannwhitneyu, norm

WORD = re.compile(r"[^\W_]+(?:['’][^\W\d_]+)?")


def toks(t):
    return WORD.findall(t.lower())


def sst_sentences(d):
    """Whole SST-2 train sentences, as tools/eval/monitor-admixture.ts sst2Sentences."""
    rows = [l.split('\t') for l in open(f'{d}/sst2/train.tsv', encoding='utf8').read().split('\n')[1:] if '\t' in l]
    texts = [r[0].strip() for r in rows]
    contained = set()
    for t in texts:
        w = t.split(' ')
        for i in range(1, len(w)):
            contained.add(' '.join(w[:i]))
            contained.add(' '.join(w[i:]))
    seen, out = set(), []
    for t in texts:
        if re.search(r'[.!?]$', t) and t not in contained and t not in seen:
            seen.add(t)
            out.append(t)
    return out


def uci(d, domain):
    out = []
    for l in open(f'{d}/uci_sentiment_labelled_sentences/{domain}_labelled.txt', encoding='utf8'):
        i = l.rfind('\t')
        if i >= 0:
            out.append(l[:i].strip())
    return out


def bag(texts, min_count=1):
    """Binary text x word matrix (each word once per text), columns of words in >= min_count texts."""
    vocab, rows, cols = {}, [], []
    for i, t in enumerate(texts):
        for w in set(toks(t)):
            rows.append(i)
            cols.append(vocab.setdefault(w, len(vocab)))
    x = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(texts), len(vocab)))
    if min_count > 1:
        x = x[:, np.asarray(x.sum(0)).ravel() >= min_count]
    return x.tocsr()


def logistic(x, y, lam):
    def f(w):
        z = x @ w[:-1] + w[-1]
        g = 1 / (1 + np.exp(-z)) - y
        return (np.logaddexp(0, z) - y * z).sum() + lam * w[:-1] @ w[:-1] / 2, np.r_[x.T @ g + lam * w[:-1], g.sum()]

    return minimize(f, np.zeros(x.shape[1] + 1), jac=True, method='L-BFGS-B', options={'maxiter': 200}).x


def draw(rng, sst, other, share, n=1000, nref=4000):
    idx = rng.permutation(len(sst))[:6000]
    ref = [sst[i] for i in idx[:nref]]
    k = round(n * share)
    cur = [sst[i] for i in idx[nref:nref + n - k]] + [other[i] for i in rng.choice(len(other), k, replace=False)]
    return ref, cur


def permutation_p(stat, x, is_ref, rng, perms):
    obs = np.asarray(stat(x, is_ref))
    null = np.array([stat(x, rng.permutation(is_ref)) for _ in range(perms)])
    return (1 + (null >= obs).sum(0)) / (perms + 1)


def word_stats(x, is_ref):
    n_all, n_cur = x.shape[0], int((~is_ref).sum())
    t = np.asarray(x.sum(0)).ravel()
    c = np.asarray(x[~is_ref].sum(0)).ravel()
    ps = np.sort(np.clip(hypergeom.sf(c - 1, n_all, n_cur, t), 1e-300, 1))
    m = len(ps)
    i = np.arange(1, m + 1)
    hc = np.max((np.sqrt(m) * (i / m - ps) / np.sqrt(ps * (1 - ps) + 1e-300))[: max(1, m // 10)])
    tp = lambda a: np.sum(-np.log(ps[ps < a]))
    return [np.sum(-np.log(ps[:5])), np.sum(-np.log(ps[:20])), tp(1e-2), tp(1e-3), hc, np.sum(ps < 1e-3)]


def mixture_gain(x, is_ref, pi=0.05, a=0.5, beta=300.0, iters=30):
    xc = x[~is_ref]
    cnt = np.asarray(x[is_ref].sum(0)).ravel()
    p = (cnt + a) / (cnt.sum() + a * x.shape[1])
    lp = xc @ np.log(p)
    cc = np.asarray(xc.sum(0)).ravel()
    q = (cc + beta * p) / (cc.sum() + beta)
    for _ in range(iters):
        r = 1 / (1 + np.exp(-(np.log(pi) + xc @ np.log(q) - np.log1p(-pi) - lp)))
        s = np.asarray(xc.T @ r).ravel()
        q = (s + beta * p) / (s.sum() + beta)
    return [np.sum(np.logaddexp(np.log1p(-pi) + lp, np.log(pi) + xc @ np.log(q)) - lp)]


def crossfit_z(x, is_ref, rng, lam=3.0):
    fold = rng.integers(0, 2, x.shape[0])
    zs = []
    for k in (0, 1):
        tr, te = fold != k, fold == k
        w = logistic(x[tr], (~is_ref[tr]).astype(float), lam)
        s, r = x[te] @ w[:-1], is_ref[te]
        q = np.quantile(s[r], 0.95)
        zs.append(norm.isf(hypergeom.sf((s[~r] > q).sum() - 1, len(s), (s > q).sum(), (~r).sum())))
    return sum(zs) / math.sqrt(2)


def oracle(args, sst, others, rng):
    dev = [l.split('\t')[0].strip() for l in open(f'{args.datasets}/sst2/dev.tsv', encoding='utf8').read().split('\n')[1:] if '\t' in l]
    for name, other in others.items():
        o = rng.permutation(len(other))
        s = rng.permutation(len(sst))
        s_train, s_test = [sst[i] for i in s[:1500]] + dev, [sst[i] for i in s[1500:]]
        o_train, o_test = [other[i] for i in o[:500]], [other[i] for i in o[500:]]
        x = bag(s_train + o_train + s_test + o_test)
        n_train = len(s_train) + len(o_train)
        w = logistic(x[:n_train], np.r_[np.zeros(len(s_train)), np.ones(len(o_train))], 1.0)
        sc = x[n_train:] @ w[:-1]
        ss, so = sc[: len(s_test)], sc[len(s_test):]
        auc = mannwhitneyu(so, ss).statistic / len(so) / len(ss)
        hits = 0
        for _ in range(20):
            ref, cur = rng.choice(ss, 4000), np.r_[rng.choice(ss, 950), rng.choice(so, 50, replace=False)]
            q = np.quantile(ref, 0.95)
            k = (cur > q).sum()
            hits += hypergeom.sf(k - 1, 5000, (ref > q).sum() + k, 1000) < 1e-3
        print(f'oracle {name}: AUC {auc:.3f}; tail count of its scores at 5% (p < 0.001) in {hits}/20 draws')


def fixed(args, sst, others, rng):
    idx = rng.permutation(len(sst))
    ref, held = [sst[i] for i in idx[:4000]], [sst[i] for i in idx[4000:]]
    uni = collections.Counter(w for d in ref for w in toks(d))
    total, v = sum(uni.values()), len(uni) + 1
    df = collections.Counter(w for d in ref for w in set(toks(d)))
    bi = collections.Counter(p for d in ref for p in zip(['<s>'] + toks(d), toks(d) + ['</s>']))

    def feats(t):
        w = toks(t)
        if not w:
            return None
        pairs = list(zip(['<s>'] + w, w + ['</s>']))
        return {
            'mean surprisal': np.mean([-math.log2((uni[x] + 0.5) / (total + 0.5 * v)) for x in w]),
            'bigram surprisal': np.mean([-math.log2((bi[p] + 0.1) / (uni[p[0]] + 0.1 * v)) if uni[p[0]] else math.log2(v) for p in pairs]),
            'unseen share': np.mean([uni[x] == 0 for x in w]),
            'rare share': np.mean([df[x] <= 2 for x in w]),
            'shortness': -len(w),
        }

    h = [f for f in map(feats, held) if f]
    for name, other in others.items():
        o = [f for f in map(feats, other) if f]
        out = []
        for k in h[0]:
            a, b = np.array([f[k] for f in h]), np.array([f[k] for f in o])
            out.append(f"{k} {np.mean(b > np.quantile(a, 0.99)):.2f}/{np.mean(b > np.quantile(a, 0.95)):.2f}")
        print(f'fixed {name} (TPR at 1%/5% FPR): ' + ', '.join(out))


def windows(args, sst, others, rng, label, stat_z):
    cells = [('no new text', None)] + [(f'{n} 5%', o) for n, o in others.items()]
    for name, other in cells:
        zs = []
        for _ in range(args.runs):
            ref, cur = draw(rng, sst, other or sst[:1], 0.05 if other else 0.0)
            x = bag(ref + cur, 3)
            is_ref = np.r_[np.ones(len(ref), bool), np.zeros(len(cur), bool)]
            zs.append(stat_z(x, is_ref))
        print(f'{label} {name}: ' + ' | '.join(' '.join(f'{v:.3g}' for v in np.atleast_1d(z)) for z in zs))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--datasets', required=True)
    ap.add_argument('--runs', type=int, default=6)
    ap.add_argument('--perms', type=int, default=200)
    ap.add_argument('--only', default='oracle,fixed,words,mixture,crossfit')
    ap.add_argument('--seed', type=int, default=13)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    sst = sst_sentences(args.datasets)
    others = {d: uci(args.datasets, d) for d in ('amazon_cells', 'yelp')}
    parts = args.only.split(',')
    t0 = time.time()
    if 'oracle' in parts:
        oracle(args, sst, others, rng)
    if 'fixed' in parts:
        fixed(args, sst, others, rng)
    if 'words' in parts:
        print('words: p of [top-5 exact, top-20 exact, truncated p<.01, p<.001, higher criticism, #p<.001] per run')
        windows(args, sst, others, rng, 'words', lambda x, r: permutation_p(word_stats, x, r, rng, args.perms))
    if 'mixture' in parts:
        windows(args, sst, others, rng, 'mixture', lambda x, r: permutation_p(mixture_gain, x, r, rng, args.perms))
    if 'crossfit' in parts:
        windows(args, sst, others, rng, 'crossfit', lambda x, r: crossfit_z(x, r, rng))
    print(f'{time.time() - t0:.0f} s')


if __name__ == '__main__':
    main()
