/**
 * Per-segment checks: for each segment field, its top values by current volume (at most
 * `segmentMaxValues`) get their own embedding-drift, prediction-drift and performance findings, named
 * `<check>[<field>=<value>]`. Their p-values join the run's one Benjamini-Hochberg correction.
 */
import type { MonitorWindow } from '../monitor/window.ts';
import type { FieldValue } from '../records/schema.ts';
import type { CheckContext } from './context.ts';
import { embeddingMmdCheck } from './embedding-mmd.ts';
import type { DraftFinding } from './finding.ts';
import { performanceActualsChecks } from './performance-actuals.ts';
import { labelledCount } from './performance-cbpe.ts';
import { predictionLabelChecks } from './prediction-labels.ts';
import { predictionScoreChecks } from './prediction-scores.ts';

const EMPTY_SAMPLE = { vectors: new Float32Array(0), rows: 0, index: new Int32Array(0) };

/** The rows of `w` whose `field` equals `value`, with that segment's own embedding sample. */
export function segmentWindow(w: MonitorWindow, field: string, value: string): MonitorWindow {
  const values = w.fields[field] ?? [];
  const rows: number[] = [];
  for (let i = 0; i < w.size; i++) if (values[i] !== null && String(values[i]) === value) rows.push(i);
  const newRow = new Map(rows.map((r, k) => [r, k]));
  const pick = <T>(a: ArrayLike<T>) => rows.map((r) => a[r]);
  const sample = w.segmentSamples[field]?.get(value) ?? EMPTY_SAMPLE;
  const index = Int32Array.from(sample.index, (r) => newRow.get(r) ?? -1);
  const sampleText = new Map<number, string | null>();
  for (const [r, t] of w.sampleText) {
    const k = newRow.get(r);
    if (k !== undefined) sampleText.set(k, t);
  }
  const dim = w.dim;
  // Centroid sums of the segment, estimated from its sample (segment checks do not use them).
  const embeddingSum = new Float64Array(dim);
  for (let s = 0; s < sample.rows; s++)
    for (let k = 0; k < dim; k++) embeddingSum[k] += sample.vectors[s * dim + k];
  if (sample.rows > 0) for (let k = 0; k < dim; k++) embeddingSum[k] *= rows.length / sample.rows;
  const score = Float64Array.from(pick(w.score));
  const textChars = Float64Array.from(pick(w.textChars));
  const unknown = Float64Array.from(pick(w.unknownTokenRatio));
  return {
    size: rows.length,
    id: w.id.pick(rows),
    label: w.label.pick(rows),
    score,
    textChars,
    truncated: Uint8Array.from(pick(w.truncated)),
    unknownTokenRatio: unknown,
    textSha256: w.textSha256.pick(rows),
    present: {
      score: score.filter((v) => !Number.isNaN(v)).length,
      text: textChars.filter((v) => !Number.isNaN(v)).length,
      tokens: unknown.filter((v) => !Number.isNaN(v)).length,
    },
    fields: Object.fromEntries(Object.entries(w.fields).map(([f, v]) => [f, pick<FieldValue>(v)])),
    segmentSamples: {},
    sampleText,
    sampleTokenIds: new Map(),
    dim,
    embeddingSum,
    embeddingSquaredNormSum: 0,
    sample: { vectors: sample.vectors, rows: sample.rows, index },
    unreadableFiles: 0,
    files: 0,
    rejectedRows: 0,
    schemaFailures: [],
  };
}

/** The values of `field` in `w` by volume, most first (ties by value). */
export function topValues(w: MonitorWindow, field: string, max: number): { value: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const v of w.fields[field] ?? []) {
    if (v === null || v === undefined) continue;
    const s = String(v);
    counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  return [...counts]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1))
    .slice(0, max);
}

function renamed(d: DraftFinding, field: string, value: string): DraftFinding {
  return {
    ...d,
    check: `${d.check}[${field}=${value}]`,
    title: `${d.title} [${field}=${value}]`,
    details: { ...(d.details ?? {}), segment: { field, value } },
  };
}

/** Every segment field's top values, each with its own drift and performance findings. */
export function segmentChecks(ctx: CheckContext): DraftFinding[] {
  const out: DraftFinding[] = [];
  const max = ctx.segmentMaxValues ?? 10;
  for (const f of (ctx.fields ?? []).filter((s) => s.segment)) {
    for (const { value } of topValues(ctx.current, f.name, max)) {
      const sub: CheckContext = {
        ...ctx,
        reference: segmentWindow(ctx.reference, f.name, value),
        current: segmentWindow(ctx.current, f.name, value),
        config: { ...ctx.config, minDriftSampleSize: ctx.config.minSegmentSampleSize },
        // Per-segment seeds, so two segments never share a permutation stream.
        seed: ctx.seed + 104_729 * (out.length + 1),
      };
      const drafts = [embeddingMmdCheck(sub), ...predictionLabelChecks(sub)];
      if (sub.current.present.score > 0 && sub.reference.present.score > 0)
        drafts.push(...predictionScoreChecks(sub));
      const labelled = labelledCount(sub);
      if (labelled >= ctx.config.minPerformanceSampleSize)
        drafts.push(
          ...performanceActualsChecks(
            { ...sub, config: { ...sub.config, minPerformanceSampleSize: ctx.config.minSegmentSampleSize } },
            labelled,
          ),
        );
      out.push(...drafts.map((d) => renamed(d, f.name, value)));
    }
  }
  return out;
}
