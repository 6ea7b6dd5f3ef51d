/**
 * Survival function of the two-sided one-sample Kolmogorov-Smirnov statistic D_n, Pr(D_n >= x),
 * following Simard & L'Ecuyer (2011) "Computing the Two-Sided Kolmogorov-Smirnov Distribution"
 * exactly as scipy.stats.kstwo (scipy/stats/_ksstats.py) dispatches between methods. Pomeranz's
 * recursion is replaced by the Durbin matrix, which is also exact.
 */
import { logBinomial } from './distributions.ts';

const E128 = 2 ** 128;
const EM128 = 2 ** -128;
const PI2 = Math.PI ** 2;
const PI4 = Math.PI ** 4;
const PI6 = Math.PI ** 6;
const SQRT2PI = Math.sqrt(2 * Math.PI);
// Stirling series coefficients B_2j / (2j (2j - 1)), j = 8 down to 1.
const STIRLING = [-3617 / 122400, 1 / 156, -691 / 360360, 1 / 1188, -1 / 1680, 1 / 1260, -1 / 360, 1 / 12];

const clip = (p: number): number => Math.min(1, Math.max(0, p));

/** ln(n! / n^n) by Stirling's series, with n ln n removed up front to avoid cancellation. */
function logFactorialOverPower(n: number): number {
  const rn = 1 / n;
  let poly = 0;
  for (const c of STIRLING) poly = poly * (rn / n) + c;
  return Math.log(n) / 2 - n + Math.log(2 * Math.PI) / 2 + rn * poly;
}

/** One-sided Smirnov tail Pr(D_n^+ >= x), exact Birnbaum-Tingey sum evaluated in log space. */
export function smirnovSf(n: number, x: number): number {
  if (x <= 0) return 1;
  if (x >= 1) return 0;
  let sum = 0;
  const last = Math.floor(n * (1 - x));
  for (let j = 0; j <= last; j++) {
    const left = 1 - x - j / n;
    const right = x + j / n;
    if (left <= 0 && n - j > 0) continue;
    const logTerm = logBinomial(n, j) + (n - j) * Math.log(left) + (j - 1) * Math.log(right);
    sum += Math.exp(logTerm);
  }
  return clip(x * sum);
}

function matMul(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < m; k++) {
      const aik = a[i * m + k];
      if (aik === 0) continue;
      for (let j = 0; j < m; j++) out[i * m + j] += aik * b[k * m + j];
    }
  }
  return out;
}

/** Pr(D_n <= d) by Durbin's matrix method as arranged by Marsaglia, Tsang & Wang (2003). */
function durbinCdf(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] = (1 - h ** j) * fac;
  }
  v[m - 1] = (1 + Math.max(2 * h - 1, 0) ** m - 2 * h ** m) * fac;
  let hm: Float64Array = new Float64Array(m * m);
  for (let i = 1; i < m; i++) {
    for (let r = i - 1; r < m; r++) hm[r * m + i] = w[r - i + 1];
  }
  for (let r = 0; r < m; r++) hm[r * m] = v[r];
  for (let c = 0; c < m; c++) hm[(m - 1) * m + c] = v[m - 1 - c];
  let power: Float64Array = new Float64Array(m * m);
  for (let i = 0; i < m; i++) power[i * m + i] = 1;
  let nn = n;
  let exponent = 0;
  let hExponent = 0;
  while (nn > 0) {
    if (nn % 2) {
      power = matMul(power, hm, m);
      exponent += hExponent;
    }
    hm = matMul(hm, hm, m);
    hExponent *= 2;
    if (Math.abs(hm[(k - 1) * m + (k - 1)]) > E128) {
      for (let i = 0; i < hm.length; i++) hm[i] /= E128;
      hExponent += 128;
    }
    nn = Math.floor(nn / 2);
  }
  let p = power[(k - 1) * m + (k - 1)];
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < EM128) {
      p *= E128;
      exponent -= 128;
    }
  }
  return clip(p * 2 ** exponent);
}

/** Pelz-Good (1976) approximation to Pr(D_n <= x), suited to large n and small x. */
function pelzGoodCdf(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const qlog = -PI2 / 8 / z2;
  if (qlog < -708) return 0;
  let q = Math.exp(qlog);
  const k1a = -z2;
  const k1b = PI2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI2) / 4;
  const k2c = (PI4 * (1 - 2 * z2)) / 16;
  const k3d = (PI6 * (5 - 30 * z2)) / 64;
  const k3c = (PI4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;
  const acc = [0, 0, 0, 0];
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1;
    const m2 = m * m;
    const qpower = q ** (8 * k);
    const coeffs = [
      1,
      k1a + k1b * m2,
      k2a + k2b * m2 + k2c * m2 * m2,
      k3a + k3b * m2 + k3c * m2 * m2 + k3d * m2 * m2 * m2,
    ];
    for (let i = 0; i < 4; i++) acc[i] = acc[i] * qpower + coeffs[i];
  }
  const denominators = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i++) acc[i] = (acc[i] * q * SQRT2PI) / denominators[i];
  q = Math.exp(-PI2 / 2 / z2);
  let k2extra = 0;
  let k3extra = 0;
  const sqrt3z = Math.sqrt(3) * z;
  for (let k = maxk; k > 0; k--) {
    const k2 = k * k;
    const qp = q ** k2;
    k2extra += k2 * qp;
    k3extra += (sqrt3z + Math.PI * k) * (sqrt3z - Math.PI * k) * k2 * qp;
  }
  acc[2] += (k2extra * PI2 * SQRT2PI) / (-36 * z ** 3);
  acc[3] += (k3extra * PI2 * SQRT2PI) / (216 * z6);
  let sum = 0;
  for (let i = 0; i < 4; i++) sum += acc[i] / n ** (i / 2);
  return sum;
}

/** Pr(D_n >= x) for the two-sided one-sample statistic (scipy.stats.kstwo.sf). */
export function kolmogorovSf(n: number, x: number): number {
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    let prob: number;
    if (n <= 140) {
      prob = 1;
      for (let i = 1; i <= n; i++) prob *= (i / n) * (2 * t - 1);
    } else {
      prob = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    }
    return clip(1 - prob);
  }
  if (t >= n - 1) return clip(2 * (1 - x) ** n);
  if (x >= 0.5) return clip(2 * smirnovSf(n, x));
  const nx2 = t * x;
  if (n <= 140) {
    if (nx2 <= 4) return clip(1 - durbinCdf(n, x));
    return clip(2 * smirnovSf(n, x));
  }
  if (nx2 >= 370) return 0;
  if (nx2 >= 2.2) return clip(2 * smirnovSf(n, x));
  const cdf = n <= 100_000 && n * x ** 1.5 <= 1.4 ? durbinCdf(n, x) : pelzGoodCdf(n, x);
  return clip(1 - cdf);
}
