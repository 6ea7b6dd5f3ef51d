/**
 * How a check states what it found before the run corrects p-values together: a Finding without its
 * final verdict, plus the highest verdict the check may reach (tracked metrics stop at `warning`).
 */
import type { CheckGroup, DriftDirection, Finding, Verdict } from '../monitor/types.ts';
import type { CheckContext } from './context.ts';

export interface DraftFinding {
  check: string;
  group: CheckGroup;
  title: string;
  method: string | null;
  value: number | null;
  thresholds: { warning: number; alert: number };
  direction: DriftDirection;
  pValue: number | null;
  referenceSize: number;
  currentSize: number;
  minSampleSize: number;
  /** Set when a side is below `minSampleSize` or the statistic could not be computed. */
  insufficient: boolean;
  /** `warning` for checks that only track (an estimate, a secondary test); `alert` otherwise. */
  maxVerdict: 'warning' | 'alert';
  /** Says what was measured; the run appends what the verdict means. */
  describe: string;
  details?: Record<string, unknown>;
}

const SEVERITY: Record<Verdict, number> = { insufficient_data: 0, ok: 1, warning: 2, alert: 3 };

export function worseVerdict(a: Verdict, b: Verdict): Verdict {
  return SEVERITY[a] >= SEVERITY[b] ? a : b;
}

/** Ok / warning / alert of a value on its own scale or of an adjusted p, capped at `maxVerdict`. */
export function judge(
  draft: Pick<DraftFinding, 'direction' | 'thresholds' | 'maxVerdict' | 'insufficient' | 'value'>,
  pValueAdjusted: number | null,
): Verdict {
  if (draft.insufficient) return 'insufficient_data';
  const judged = draft.direction === 'low_is_drift' ? pValueAdjusted : draft.value;
  if (judged === null) return 'insufficient_data';
  if (Number.isNaN(judged)) throw new Error('cannot judge a NaN finding');
  const { warning, alert } = draft.thresholds;
  let verdict: Verdict;
  if (draft.direction === 'low_is_drift')
    verdict = judged < alert ? 'alert' : judged < warning ? 'warning' : 'ok';
  else verdict = judged >= alert ? 'alert' : judged >= warning ? 'warning' : 'ok';
  return verdict === 'alert' && draft.maxVerdict === 'warning' ? 'warning' : verdict;
}

const fmt = (v: number | null) =>
  v === null
    ? 'n/a'
    : Math.abs(v) >= 1000 || v === 0
      ? String(Math.round(v * 1000) / 1000)
      : v.toPrecision(3);

function message(d: DraftFinding, verdict: Verdict, pAdj: number | null): string {
  if (verdict === 'insufficient_data') {
    return `${d.title}: not enough data (${d.referenceSize} reference, ${d.currentSize} current; needs ${d.minSampleSize}).`;
  }
  const p = pAdj === null ? '' : ` (p=${fmt(d.pValue)}, adjusted ${fmt(pAdj)})`;
  return `${d.title}: ${d.describe}${p} — ${verdict}.`;
}

/** The final Finding once the run knows the adjusted p-value. */
export function finalizeFinding(d: DraftFinding, pValueAdjusted: number | null): Finding {
  const verdict = judge(d, pValueAdjusted);
  const finding: Finding = {
    check: d.check,
    group: d.group,
    title: d.title,
    method: d.method,
    value: d.value,
    thresholds: d.thresholds,
    direction: d.direction,
    pValue: d.pValue,
    pValueAdjusted,
    referenceSize: d.referenceSize,
    currentSize: d.currentSize,
    minSampleSize: d.minSampleSize,
    verdict,
    message: message(d, verdict, pValueAdjusted),
  };
  if (d.details) finding.details = d.details;
  return finding;
}

/** A draft that could not be computed because a side is too small. */
export function insufficient(
  base: Omit<DraftFinding, 'insufficient' | 'value' | 'pValue' | 'describe'>,
  details?: Record<string, unknown>,
): DraftFinding {
  return { ...base, value: null, pValue: null, insufficient: true, describe: '', details };
}

/** The fixed part of a two-sample test's finding on the two windows, judged on its adjusted p-value. */
export function pValueTestBase(
  ctx: CheckContext,
  id: Pick<DraftFinding, 'check' | 'group' | 'title' | 'method' | 'maxVerdict'>,
): Omit<DraftFinding, 'insufficient' | 'value' | 'pValue' | 'describe'> {
  return {
    ...id,
    thresholds: { ...ctx.config.pValue },
    direction: 'low_is_drift',
    referenceSize: ctx.reference.size,
    currentSize: ctx.current.size,
    minSampleSize: ctx.config.minDriftSampleSize,
  };
}

export { fmt as formatNumber };
