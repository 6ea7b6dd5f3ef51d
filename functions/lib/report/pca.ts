/**
 * Principal component analysis by randomized SVD (Halko, Martinsson & Tropp 2011, algorithm 4.4):
 * a Gaussian sketch, a few power iterations, then an exact eigen-decomposition of a small matrix.
 * It reduces n x d embeddings to k dimensions before UMAP in far less time than a d x d covariance.
 */

import { gaussian, type RandomFn } from './random.ts';

export interface PcaOptions {
  random: RandomFn;
  /** Power iterations sharpen the sketch when the spectrum decays slowly. */
  powerIterations?: number;
  /** Extra sketch columns beyond k. */
  oversample?: number;
}

export interface PcaResult {
  /** Number of components actually returned: min(k, n, d). */
  k: number;
  dims: number;
  mean: Float64Array;
  /** k unit vectors of length `dims`, row-major; each flipped so its largest-magnitude entry is positive. */
  components: Float64Array;
  /** Variance along each component (divisor n - 1), descending. */
  explainedVariance: Float64Array;
  /** n x k scores of the centred rows, row-major. */
  projected: Float64Array;
}

/** Centred copy of the rows as one row-major n x d matrix. */
function centre(rows: ArrayLike<number>[], d: number): { x: Float64Array; mean: Float64Array } {
  const n = rows.length;
  const x = new Float64Array(n * d);
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    for (let j = 0; j < d; j++) {
      x[i * d + j] = row[j];
      mean[j] += row[j];
    }
  }
  for (let j = 0; j < d; j++) mean[j] /= n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x[i * d + j] -= mean[j];
  return { x, mean };
}

/** Orthonormalise the columns of a row-major rows x cols matrix in place (modified Gram-Schmidt, twice). */
function orthonormaliseColumns(m: Float64Array, rows: number, cols: number): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let c = 0; c < cols; c++) {
      for (let p = 0; p < c; p++) {
        let dot = 0;
        for (let r = 0; r < rows; r++) dot += m[r * cols + c] * m[r * cols + p];
        for (let r = 0; r < rows; r++) m[r * cols + c] -= dot * m[r * cols + p];
      }
      let norm = 0;
      for (let r = 0; r < rows; r++) norm += m[r * cols + c] ** 2;
      norm = Math.sqrt(norm);
      // A column with nothing left is rank deficiency: zero it rather than amplify rounding noise.
      const scale = norm > 1e-12 ? 1 / norm : 0;
      for (let r = 0; r < rows; r++) m[r * cols + c] *= scale;
    }
  }
}

// The products below take four terms per pass over an output row, each output still summed in the same
// order as one term at a time: the same doubles, with a quarter of the loads and stores of the output.

/** (n x d) times (d x l), both row-major. */
function times(x: Float64Array, n: number, d: number, b: Float64Array, l: number): Float64Array {
  const out = new Float64Array(n * l);
  for (let i = 0; i < n; i++) {
    const o = i * l;
    const xi = i * d;
    let j = 0;
    for (; j + 3 < d; j += 4) {
      const v0 = x[xi + j];
      const v1 = x[xi + j + 1];
      const v2 = x[xi + j + 2];
      const v3 = x[xi + j + 3];
      const b0 = j * l;
      const b1 = b0 + l;
      const b2 = b1 + l;
      const b3 = b2 + l;
      for (let a = 0; a < l; a++) {
        let acc = out[o + a];
        acc += v0 * b[b0 + a];
        acc += v1 * b[b1 + a];
        acc += v2 * b[b2 + a];
        acc += v3 * b[b3 + a];
        out[o + a] = acc;
      }
    }
    for (; j < d; j++) {
      const v = x[xi + j];
      const bj = j * l;
      for (let a = 0; a < l; a++) out[o + a] += v * b[bj + a];
    }
  }
  return out;
}

/** transpose(n x d) times (n x l), both row-major: a d x l result. */
function transposeTimes(x: Float64Array, n: number, d: number, q: Float64Array, l: number): Float64Array {
  const out = new Float64Array(d * l);
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const x0 = i * d;
    const x1 = x0 + d;
    const x2 = x1 + d;
    const x3 = x2 + d;
    const q0 = i * l;
    const q1 = q0 + l;
    const q2 = q1 + l;
    const q3 = q2 + l;
    for (let j = 0; j < d; j++) {
      const v0 = x[x0 + j];
      const v1 = x[x1 + j];
      const v2 = x[x2 + j];
      const v3 = x[x3 + j];
      const o = j * l;
      for (let a = 0; a < l; a++) {
        let acc = out[o + a];
        acc += v0 * q[q0 + a];
        acc += v1 * q[q1 + a];
        acc += v2 * q[q2 + a];
        acc += v3 * q[q3 + a];
        out[o + a] = acc;
      }
    }
  }
  for (; i < n; i++) {
    const qi = i * l;
    for (let j = 0; j < d; j++) {
      const v = x[i * d + j];
      const o = j * l;
      for (let a = 0; a < l; a++) out[o + a] += v * q[qi + a];
    }
  }
  return out;
}

/** Row r of the n x kk scores: the centred row dotted with each component, four components at a time. */
function project(x: Float64Array, n: number, d: number, components: Float64Array, kk: number): Float64Array {
  const projected = new Float64Array(n * kk);
  for (let r = 0; r < n; r++) {
    const xr = r * d;
    let i = 0;
    for (; i + 3 < kk; i += 4) {
      const c0 = i * d;
      const c1 = c0 + d;
      const c2 = c1 + d;
      const c3 = c2 + d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let j = 0; j < d; j++) {
        const v = x[xr + j];
        s0 += v * components[c0 + j];
        s1 += v * components[c1 + j];
        s2 += v * components[c2 + j];
        s3 += v * components[c3 + j];
      }
      projected[r * kk + i] = s0;
      projected[r * kk + i + 1] = s1;
      projected[r * kk + i + 2] = s2;
      projected[r * kk + i + 3] = s3;
    }
    for (; i < kk; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += x[xr + j] * components[i * d + j];
      projected[r * kk + i] = s;
    }
  }
  return projected;
}

/** Eigen-decomposition of a symmetric m x m matrix by cyclic Jacobi rotations; values descending. */
export function symmetricEigen(
  input: Float64Array,
  m: number,
): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(input);
  const v = new Float64Array(m * m);
  for (let i = 0; i < m; i++) v[i * m + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < m; p++) {
      diag += a[p * m + p] ** 2;
      for (let q = p + 1; q < m; q++) off += a[p * m + q] ** 2;
    }
    if (off <= 1e-30 * Math.max(diag, 1e-300)) break;
    for (let p = 0; p < m; p++) {
      for (let q = p + 1; q < m; q++) {
        const apq = a[p * m + q];
        if (apq === 0) continue;
        const theta = (a[q * m + q] - a[p * m + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < m; k++) {
          const akp = a[k * m + p];
          const akq = a[k * m + q];
          a[k * m + p] = c * akp - s * akq;
          a[k * m + q] = s * akp + c * akq;
        }
        for (let k = 0; k < m; k++) {
          const apk = a[p * m + k];
          const aqk = a[q * m + k];
          a[p * m + k] = c * apk - s * aqk;
          a[q * m + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < m; k++) {
          const vkp = v[k * m + p];
          const vkq = v[k * m + q];
          v[k * m + p] = c * vkp - s * vkq;
          v[k * m + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: m }, (_, i) => i).sort((i, j) => a[j * m + j] - a[i * m + i]);
  const values = new Float64Array(m);
  const vectors = new Float64Array(m * m);
  order.forEach((src, dst) => {
    values[dst] = a[src * m + src];
    for (let k = 0; k < m; k++) vectors[dst * m + k] = v[k * m + src];
  });
  return { values, vectors };
}

/** Project rows onto their top-k principal components. Rows must all have the same length. */
export function pca(rows: ArrayLike<number>[], k: number, options: PcaOptions): PcaResult {
  const n = rows.length;
  const d = n > 0 ? rows[0].length : 0;
  const kk = Math.max(0, Math.min(k, n, d));
  const { x, mean } = centre(rows, d);
  const l = Math.min(kk + (options.oversample ?? 8), n, d);
  const omega = new Float64Array(d * l);
  for (let i = 0; i < omega.length; i++) omega[i] = gaussian(options.random);
  let q = times(x, n, d, omega, l);
  orthonormaliseColumns(q, n, l);
  for (let it = 0; it < (options.powerIterations ?? 2); it++) {
    const z = transposeTimes(x, n, d, q, l);
    orthonormaliseColumns(z, d, l);
    q = times(x, n, d, z, l);
    orthonormaliseColumns(q, n, l);
  }
  // C = X^T Q (d x l); B = C^T, so B B^T = C^T C whose eigenvectors give B's left singular vectors.
  const c = transposeTimes(x, n, d, q, l);
  const gram = new Float64Array(l * l);
  for (let j = 0; j < d; j++) {
    for (let a = 0; a < l; a++) {
      const cja = c[j * l + a];
      for (let b = a; b < l; b++) gram[a * l + b] += cja * c[j * l + b];
    }
  }
  for (let a = 0; a < l; a++) for (let b = 0; b < a; b++) gram[a * l + b] = gram[b * l + a];
  const eig = symmetricEigen(gram, l);
  const components = new Float64Array(kk * d);
  const explainedVariance = new Float64Array(kk);
  for (let i = 0; i < kk; i++) {
    const sigma2 = Math.max(0, eig.values[i]);
    explainedVariance[i] = n > 1 ? sigma2 / (n - 1) : 0;
    if (sigma2 <= 1e-24) continue;
    const inv = 1 / Math.sqrt(sigma2);
    let maxAbs = 0;
    let sign = 1;
    for (let j = 0; j < d; j++) {
      let vj = 0;
      for (let a = 0; a < l; a++) vj += c[j * l + a] * eig.vectors[i * l + a];
      vj *= inv;
      components[i * d + j] = vj;
      if (Math.abs(vj) > maxAbs) {
        maxAbs = Math.abs(vj);
        sign = vj < 0 ? -1 : 1;
      }
    }
    for (let j = 0; j < d; j++) components[i * d + j] *= sign;
  }
  const projected = project(x, n, d, components, kk);
  return { k: kk, dims: d, mean, components, explainedVariance, projected };
}
