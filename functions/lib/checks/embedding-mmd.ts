/** Embedding drift, the primary test: MMD with a permutation p-value on a seeded subsample per side. */

import { subsampleRows } from '../monitor/window.ts';
import { mmdWithStrata } from '../stats/mmd.ts';
import { createRng, randomInt, sampleIndices } from '../stats/rng.ts';
import type { CheckContext } from './context.ts';
import { type DraftFinding, formatNumber, insufficient, pValueTestBase } from './finding.ts';

/** Row views of a row-major matrix, as the stats methods take them. */
export function rowsOf(matrix: Float32Array, dim: number): Float32Array[] {
  const rows: Float32Array[] = [];
  for (let i = 0; i + dim <= matrix.length && dim > 0; i += dim) rows.push(matrix.subarray(i, i + dim));
  return rows;
}

/**
 * Z-scores every dimension with the mean and spread of both windows pooled. Pooled statistics do not
 * change under relabelling, so the permutation test stays exact, and the RBF kernel no longer lets a
 * few high-variance dimensions drown a shift in the others.
 */
export function standardizePooled(a: Float32Array[], b: Float32Array[]): [Float32Array[], Float32Array[]] {
  const dim = a[0]?.length ?? 0;
  const n = a.length + b.length;
  const mean = new Float64Array(dim);
  const sq = new Float64Array(dim);
  for (const row of [...a, ...b]) {
    for (let k = 0; k < dim; k++) {
      mean[k] += row[k];
      sq[k] += row[k] * row[k];
    }
  }
  const scale = new Float64Array(dim);
  for (let k = 0; k < dim; k++) {
    mean[k] /= n;
    const sd = Math.sqrt(Math.max(0, sq[k] / n - mean[k] * mean[k]));
    // A constant dimension carries no information; scale it to zero rather than divide by zero.
    scale[k] = sd > 1e-12 ? 1 / sd : 0;
  }
  const z = (rows: Float32Array[]) =>
    rows.map((row) => {
      const out = new Float32Array(dim);
      for (let k = 0; k < dim; k++) out[k] = (row[k] - mean[k]) * scale[k];
      return out;
    });
  return [z(a), z(b)];
}

/**
 * Median euclidean distance over `pairs` seeded random pairs of the pooled rows: the median heuristic
 * without the O(n^2) pass. It ignores which window a row came from, so the permutation test stays exact.
 */
export function medianPairDistance(rows: Float32Array[], pairs: number, seed: number): number {
  const rng = createRng(seed);
  const n = rows.length;
  const d = new Float64Array(pairs);
  for (let p = 0; p < pairs; p++) {
    const i = randomInt(rng, n);
    let j = randomInt(rng, n - 1);
    if (j >= i) j++;
    let s = 0;
    for (let k = 0; k < rows[i].length; k++) s += (rows[i][k] - rows[j][k]) ** 2;
    d[p] = Math.sqrt(s);
  }
  d.sort();
  return d[pairs >> 1];
}

const BANDWIDTH_PAIRS = 4000;

/** At most `k` sampled rows (the same seeded choice as subsampleRows) with their window rows. */
function sampledWithRows(
  w: CheckContext['reference'],
  k: number,
  seed: number,
): { rows: Float32Array[]; windowRows: Int32Array } {
  const matrix = subsampleRows(w.sample, w.dim, k, seed);
  const picked =
    k >= w.sample.rows
      ? Int32Array.from({ length: w.sample.rows }, (_, i) => i)
      : sampleIndices(createRng(seed), w.sample.rows, k);
  return { rows: rowsOf(matrix, w.dim), windowRows: Int32Array.from(picked, (s) => w.sample.index[s]) };
}

/**
 * Embedding drift, the primary test (MMD with a permutation p-value on a seeded subsample per side),
 * and the same statistic with window membership permuted only within each predicted label: drift
 * that remains once the label mix is held fixed is a new kind of text, not more of a known kind.
 */
export function embeddingMmdChecks(ctx: CheckContext): DraftFinding[] {
  const { reference, current, config } = ctx;
  const base = pValueTestBase(ctx, {
    check: 'embedding_drift.mmd',
    group: 'embedding_drift',
    title: 'Embedding drift (MMD)',
    method: 'mmd',
    maxVerdict: 'alert',
  });
  const withinBase = pValueTestBase(ctx, {
    check: 'embedding_drift.mmd_within_label',
    group: 'embedding_drift',
    title: 'New kind of text (MMD within predicted label)',
    method: 'mmd_stratified',
    maxVerdict: 'alert',
  });
  const min = config.minDriftSampleSize;
  if (reference.size < min || current.size < min || reference.dim === 0 || current.dim !== reference.dim) {
    return [insufficient(base), insufficient(withinBase)];
  }
  const cap = config.embedding.maxPerSide;
  const r0 = sampledWithRows(reference, cap, ctx.seed);
  const c0 = sampledWithRows(current, cap, ctx.seed + 1);
  const [ref, cur] = config.embedding.standardize ? standardizePooled(r0.rows, c0.rows) : [r0.rows, c0.rows];
  const median = medianPairDistance([...ref, ...cur], BANDWIDTH_PAIRS, ctx.seed + 5);
  const labelIds = new Map<string, number>();
  const stratum = (l: string) => {
    if (!labelIds.has(l)) labelIds.set(l, labelIds.size);
    return labelIds.get(l) as number;
  };
  const strata = Int32Array.from([
    ...Array.from(r0.windowRows, (row) => stratum(reference.label.get(row))),
    ...Array.from(c0.windowRows, (row) => stratum(current.label.get(row))),
  ]);
  const { plain: r, stratified: s } = mmdWithStrata(ref, cur, strata, {
    permutations: config.embedding.permutations,
    earlyStop: config.embedding.earlyStop,
    seed: ctx.seed,
    // A zero median (identical rows) leaves the choice to the stats method's own heuristic.
    bandwidth: median > 0 ? median * config.embedding.bandwidthScale : undefined,
  });
  const subsampled = ref.length < reference.size || cur.length < current.size;
  const common = {
    testedReference: ref.length,
    testedCurrent: cur.length,
    bandwidth: r.bandwidth,
    subsampled,
    standardized: config.embedding.standardize,
  };
  const level = config.pValue.warning;
  const explained =
    (r.pValue ?? 1) < level
      ? (s.pValue ?? 1) < level
        ? '; it remains within predicted labels (a new kind of text)'
        : '; within predicted labels it does not (a changed label mix)'
      : '';
  return [
    {
      ...base,
      value: r.statistic,
      pValue: r.pValue ?? null,
      insufficient: false,
      describe: `MMD² ${formatNumber(r.statistic)} between ${ref.length} reference and ${cur.length} current embeddings${explained}`,
      details: { ...common, permutations: r.permutations, stoppedEarly: r.stoppedEarly },
    },
    {
      ...withinBase,
      value: s.statistic,
      pValue: s.pValue ?? null,
      insufficient: false,
      describe: `MMD² ${formatNumber(s.statistic)} with the predicted-label mix held fixed (membership permuted within each of ${labelIds.size} labels); drift that remains here is a new kind of text, not more of a known kind`,
      details: {
        ...common,
        permutations: s.permutations,
        stoppedEarly: s.stoppedEarly,
        labels: labelIds.size,
      },
    },
  ];
}

/** The primary MMD finding alone. */
export function embeddingMmdCheck(ctx: CheckContext): DraftFinding {
  return embeddingMmdChecks(ctx)[0];
}
