/**
 * L2-regularised logistic regression fitted by Nesterov-accelerated gradient descent with a fixed
 * step from a power-iteration bound on the Lipschitz constant: deterministic, no RNG, no tuning.
 * Objective: mean log-loss + (lambda / 2) |w|^2 (intercept unpenalised); lambda = 1 / n matches
 * sklearn's LogisticRegression(C=1). Features are standardised on the training rows.
 */

export interface LogisticModel {
  weights: Float64Array;
  intercept: number;
  mean: Float64Array;
  scale: Float64Array;
}

export interface FitOptions {
  iterations?: number;
  lambda?: number;
}

function standardiser(
  x: Float64Array,
  rows: Int32Array,
  dim: number,
): { mean: Float64Array; scale: Float64Array } {
  const mean = new Float64Array(dim);
  const sq = new Float64Array(dim);
  for (const r of rows) {
    for (let k = 0; k < dim; k++) {
      const v = x[r * dim + k];
      mean[k] += v;
      sq[k] += v * v;
    }
  }
  const scale = new Float64Array(dim);
  for (let k = 0; k < dim; k++) {
    mean[k] /= rows.length;
    const variance = sq[k] / rows.length - mean[k] * mean[k];
    scale[k] = variance > 1e-12 ? 1 / Math.sqrt(variance) : 0; // a constant feature carries no signal
  }
  return { mean, scale };
}

/** Fits on `rows` of the row-major matrix `x` (dim wide) with 0/1 `labels` indexed like the rows of x. */
export function fitLogistic(
  x: Float64Array,
  dim: number,
  labels: Uint8Array,
  rows: Int32Array,
  options: FitOptions = {},
): LogisticModel {
  const n = rows.length;
  const iterations = options.iterations ?? 100;
  const lambda = options.lambda ?? 1 / n;
  const { mean, scale } = standardiser(x, rows, dim);
  const z = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < dim; k++) z[i * dim + k] = (x[rows[i] * dim + k] - mean[k]) * scale[k];
  }
  // Largest eigenvalue of Z'Z/n by power iteration bounds the log-loss curvature (times 1/4).
  let v = new Float64Array(dim).fill(1 / Math.sqrt(dim));
  let eig = 0;
  const zv = new Float64Array(n);
  for (let it = 0; it < 20; it++) {
    const next = new Float64Array(dim);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < dim; k++) s += z[i * dim + k] * v[k];
      zv[i] = s;
      for (let k = 0; k < dim; k++) next[k] += z[i * dim + k] * s;
    }
    let norm = 0;
    for (let k = 0; k < dim; k++) norm += next[k] * next[k];
    norm = Math.sqrt(norm);
    eig = norm / n;
    if (norm === 0) break;
    for (let k = 0; k < dim; k++) next[k] /= norm;
    v = next;
  }
  const step = 1 / (0.25 * (eig * 1.05 + 1) + lambda);
  const w = new Float64Array(dim + 1); // last entry is the intercept
  const prev = new Float64Array(dim + 1);
  const look = new Float64Array(dim + 1);
  const grad = new Float64Array(dim + 1);
  for (let t = 1; t <= iterations; t++) {
    const momentum = (t - 1) / (t + 2);
    for (let k = 0; k <= dim; k++) look[k] = w[k] + momentum * (w[k] - prev[k]);
    grad.fill(0);
    for (let i = 0; i < n; i++) {
      let s = look[dim];
      for (let k = 0; k < dim; k++) s += z[i * dim + k] * look[k];
      const err = 1 / (1 + Math.exp(-s)) - labels[rows[i]];
      for (let k = 0; k < dim; k++) grad[k] += err * z[i * dim + k];
      grad[dim] += err;
    }
    prev.set(w);
    for (let k = 0; k < dim; k++) w[k] = look[k] - step * (grad[k] / n + lambda * look[k]);
    w[dim] = look[dim] - step * (grad[dim] / n);
  }
  return { weights: w.subarray(0, dim), intercept: w[dim], mean, scale };
}

/** Linear score (log-odds of "current") for row `r` of `x`. */
export function logisticScore(model: LogisticModel, x: Float64Array, dim: number, r: number): number {
  let s = model.intercept;
  for (let k = 0; k < dim; k++) s += (x[r * dim + k] - model.mean[k]) * model.scale[k] * model.weights[k];
  return s;
}

/**
 * The same objective and the same Nesterov iterates in the row space: with w = Z'beta (where primal
 * gradient descent from zero always stays), a step costs one n x n product with the Gram matrix
 * G = ZZ' of the training rows instead of two n x d products, 3x less work when n < d. `gram` is
 * the full pooled Gram matrix (`total` x `total`, upper triangle j >= i filled) of rows already
 * standardised; `train` picks the rows fitted. Returns beta (one per training row) and the intercept.
 */
export function fitLogisticGram(
  gram: Float64Array,
  total: number,
  labels: Uint8Array,
  train: Int32Array,
  options: FitOptions = {},
): { beta: Float64Array; intercept: number } {
  const n = train.length;
  const iterations = options.iterations ?? 100;
  const lambda = options.lambda ?? 1 / n;
  // The training rows' Gram matrix, dense and symmetric, for contiguous products.
  const g = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    const i = train[a];
    for (let b = a; b < n; b++) {
      const j = train[b];
      const v = i <= j ? gram[i * total + j] : gram[j * total + i];
      g[a * n + b] = v;
      g[b * n + a] = v;
    }
  }
  // Largest eigenvalue of G/n (= that of Z'Z/n) by power iteration.
  let v = new Float64Array(n).fill(1 / Math.sqrt(n));
  let eig = 0;
  for (let it = 0; it < 20; it++) {
    const next = multiply(g, n, v);
    let norm = 0;
    for (let k = 0; k < n; k++) norm += next[k] * next[k];
    norm = Math.sqrt(norm);
    eig = norm / n;
    if (norm === 0) break;
    for (let k = 0; k < n; k++) next[k] /= norm;
    v = next;
  }
  const step = 1 / (0.25 * (eig * 1.05 + 1) + lambda);
  const beta = new Float64Array(n);
  const prev = new Float64Array(n);
  const look = new Float64Array(n);
  let b0 = 0;
  let prevB0 = 0;
  const y = Float64Array.from(train, (r) => labels[r]);
  for (let t = 1; t <= iterations; t++) {
    const momentum = (t - 1) / (t + 2);
    for (let k = 0; k < n; k++) look[k] = beta[k] + momentum * (beta[k] - prev[k]);
    const lookB0 = b0 + momentum * (b0 - prevB0);
    const s = multiply(g, n, look);
    let gradB0 = 0;
    prev.set(beta);
    prevB0 = b0;
    for (let k = 0; k < n; k++) {
      const err = 1 / (1 + Math.exp(-(s[k] + lookB0))) - y[k];
      gradB0 += err;
      beta[k] = look[k] - step * (err / n + lambda * look[k]);
    }
    b0 = lookB0 - step * (gradB0 / n);
  }
  return { beta, intercept: b0 };
}

function multiply(g: Float64Array, n: number, v: Float64Array): Float64Array<ArrayBuffer> {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = i * n;
    let s0 = 0;
    let s1 = 0;
    let k = 0;
    for (; k + 1 < n; k += 2) {
      s0 += g[row + k] * v[k];
      s1 += g[row + k + 1] * v[k + 1];
    }
    if (k < n) s0 += g[row + k] * v[k];
    out[i] = s0 + s1;
  }
  return out;
}
