/**
 * Two-sample Kolmogorov-Smirnov test, two-sided, as scipy.stats.ks_2samp(method='auto') computes it:
 * exact p-value when max(n, m) <= 10000 (Hodges 1958 lattice-path counting, with Viehmann 2021's
 * stable recursion), otherwise Pr(D_en >= d) of the one-sample distribution with en = round(nm/(n+m)).
 * Like scipy, an exact computation that fails numerically falls back to the asymptotic one.
 */
import { assertFiniteSample } from './errors.ts';
import { kolmogorovSf } from './kolmogorov.ts';
import { makeResult, type StatMethodDescriptor, type StatResult } from './types.ts';

export const ksDescriptor: StatMethodDescriptor = {
  name: 'ks',
  title: 'Kolmogorov-Smirnov',
  kind: 'p_value',
  direction: 'low_is_drift',
  dataTypes: ['numeric'],
  defaultThreshold: 0.05,
};

/** scipy's MAX_AUTO_N: above it, 'auto' uses the asymptotic distribution. */
const MAX_EXACT_N = 10_000;

export interface KsResult extends StatResult {
  pValueMethod: 'exact' | 'asymptotic';
}

function sorted(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/** sup_x |F_ref(x) - F_cur(x)| over the pooled sample. */
export function ksStatistic(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  const m = b.length;
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n && j < m) {
    const v = Math.min(a[i], b[j]);
    while (i < n && a[i] <= v) i++;
    while (j < m && b[j] <= v) j++;
    const diff = Math.abs(i / n - j / m);
    if (diff > d) d = diff;
  }
  return d;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Pr(D >= h/n) for equal sample sizes n (Hodges' alternating sum, Horner form). */
function probOutsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    p = p1 * (1 - p);
  }
  return 2 * p;
}

/** Proportion of lattice paths that leave the band |x/m - y/n| < h/lcm (the exact two-sided p). */
function probOutsideBand(m0: number, n0: number, g: number, h: number): number {
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const a = new Float64Array(lenA).fill(1);
  a.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (a[jj + minj - lastminj] * i + val * j) / (i + j);
      a[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) a.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return a[maxj - minj - 1];
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Two-sided two-sample KS test; `reference` and `current` are 1-D samples. */
export function ksTest(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
  options: { threshold?: number } = {},
): KsResult {
  assertFiniteSample(reference, 'reference');
  assertFiniteSample(current, 'current');
  const a = sorted(reference);
  const b = sorted(current);
  const n1 = a.length;
  const n2 = b.length;
  let d = ksStatistic(a, b);
  let p = Number.NaN;
  let method: KsResult['pValueMethod'] = 'asymptotic';
  if (Math.max(n1, n2) <= MAX_EXACT_N) {
    const g = gcd(n1, n2);
    const lcm = (n1 / g) * n2;
    const h = roundHalfEven(d * lcm);
    d = h / lcm;
    const exact = h === 0 ? 1 : n1 === n2 ? probOutsideSquare(n1, h) : probOutsideBand(n1, n2, g, h);
    if (Number.isFinite(exact) && exact >= 0 && exact <= 1) {
      p = exact;
      method = 'exact';
    }
  }
  if (method === 'asymptotic') {
    const en = (n1 * n2) / (n1 + n2);
    p = kolmogorovSf(roundHalfEven(en), d);
  }
  const pValue = Math.min(1, Math.max(0, p));
  const result = makeResult(ksDescriptor, {
    statistic: d,
    pValue,
    threshold: options.threshold,
    referenceSize: n1,
    currentSize: n2,
  });
  return { ...result, pValueMethod: method };
}
