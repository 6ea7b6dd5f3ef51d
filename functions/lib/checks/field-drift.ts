/**
 * Drift of a model version's declared extra fields: chi-square on a string field's categories (rare ones
 * pooled), KS on a number field, and on a boolean the two-proportion test (the 2x2 chi-square without
 * continuity correction, whose statistic is the square of the pooled z). Judged on adjusted p-values.
 */
import type { FieldSpec } from '../models/model-version.ts';
import type { FieldValue } from '../records/schema.ts';
import { chiSquareTest } from '../stats/chi-square.ts';
import { ksTest } from '../stats/ks.ts';
import type { CheckContext } from './context.ts';
import { type DraftFinding, formatNumber, insufficient } from './finding.ts';

/** A category seen fewer times than this in both windows together is pooled into `(other)`. */
export const MIN_CATEGORY_COUNT = 5;
/** At most this many categories are tested on their own; the rest are pooled. */
export const MAX_CATEGORIES = 20;
export const OTHER = '(other)';

function present(values: readonly FieldValue[] | undefined): FieldValue[] {
  return (values ?? []).filter((v) => v !== null && v !== undefined);
}

/** Category counts of both windows over a shared list: frequent categories, then `(other)` if any was pooled. */
export function pooledCategoryCounts(
  reference: readonly string[],
  current: readonly string[],
  minCount = MIN_CATEGORY_COUNT,
  maxCategories = MAX_CATEGORIES,
): { categories: string[]; reference: number[]; current: number[] } {
  const total = new Map<string, number>();
  for (const v of [...reference, ...current]) total.set(v, (total.get(v) ?? 0) + 1);
  const frequent = [...total]
    .filter(([, n]) => n >= minCount)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, maxCategories)
    .map(([v]) => v);
  const keep = new Set(frequent);
  const pooled = [...total.keys()].some((v) => !keep.has(v));
  const categories = pooled ? [...frequent, OTHER] : frequent;
  const at = new Map(categories.map((c, i) => [c, i]));
  const count = (values: readonly string[]) => {
    const out = new Array<number>(categories.length).fill(0);
    for (const v of values) out[at.get(keep.has(v) ? v : OTHER) as number]++;
    return out;
  };
  return { categories, reference: count(reference), current: count(current) };
}

function fieldCheck(ctx: CheckContext, field: FieldSpec): DraftFinding {
  const { reference, current, config } = ctx;
  const ref = present(reference.fields[field.name]);
  const cur = present(current.fields[field.name]);
  const base = {
    check: `field_drift.${field.type}[${field.name}]`,
    group: 'field_drift' as const,
    title: `Field drift (${field.name})`,
    method: field.type === 'number' ? 'ks' : 'chi_square',
    thresholds: { ...config.pValue },
    direction: 'low_is_drift' as const,
    referenceSize: ref.length,
    currentSize: cur.length,
    minSampleSize: config.minDriftSampleSize,
    maxVerdict: 'alert' as const,
  };
  const min = config.minDriftSampleSize;
  if (ref.length < min || cur.length < min) return insufficient(base, { field: field.name });
  if (field.type === 'number') {
    const ks = ksTest(Float64Array.from(ref as number[]), Float64Array.from(cur as number[]));
    return {
      ...base,
      value: ks.statistic,
      pValue: ks.pValue ?? null,
      insufficient: false,
      describe: `KS ${formatNumber(ks.statistic)} on ${field.name}`,
      details: { field: field.name, type: field.type },
    };
  }
  const counts = pooledCategoryCounts(ref.map(String), cur.map(String));
  const chi = chiSquareTest(counts.reference, counts.current);
  const shares = (c: number[], n: number) =>
    Object.fromEntries(counts.categories.map((k, i) => [k, c[i] / n]));
  const moved = counts.categories
    .map((k, i) => ({ k, d: counts.current[i] / cur.length - counts.reference[i] / ref.length }))
    .sort((a, b) => Math.abs(b.d) - Math.abs(a.d))[0];
  const describe =
    field.type === 'boolean'
      ? `share true ${formatNumber(((counts.current[counts.categories.indexOf('true')] ?? 0) / cur.length) * 100)}% (reference ${formatNumber(((counts.reference[counts.categories.indexOf('true')] ?? 0) / ref.length) * 100)}%)`
      : `chi-square ${formatNumber(chi.statistic)} over ${counts.categories.length} categories; largest move ${moved ? `${moved.k} ${moved.d >= 0 ? '+' : ''}${formatNumber(moved.d * 100)} points` : 'none'}`;
  return {
    ...base,
    value: chi.statistic,
    pValue: chi.pValue ?? null,
    insufficient: false,
    describe,
    details: {
      field: field.name,
      type: field.type,
      categories: counts.categories,
      referenceCounts: counts.reference,
      currentCounts: counts.current,
      referenceShares: shares(counts.reference, ref.length),
      currentShares: shares(counts.current, cur.length),
      dof: chi.dof,
    },
  };
}

/** One finding per declared field. */
export function fieldDriftChecks(ctx: CheckContext): DraftFinding[] {
  return (ctx.fields ?? []).map((f) => fieldCheck(ctx, f));
}
