/**
 * Data integrity as shares of records: empty texts (absolute limits), and truncation, unknown tokens
 * and duplicates judged by how far they rose over the reference's own share.
 */
import type { MonitorWindow } from '../monitor/window.ts';
import type { CheckContext } from './context.ts';
import { type DraftFinding, formatNumber, insufficient } from './finding.ts';

export function emptyTextRate(w: MonitorWindow): number {
  let n = 0;
  for (let i = 0; i < w.size; i++) if (w.textChars[i] === 0) n++;
  return w.size > 0 ? n / w.size : 0;
}

export function truncationRate(w: MonitorWindow): number {
  let n = 0;
  for (let i = 0; i < w.size; i++) n += w.truncated[i];
  return w.size > 0 ? n / w.size : 0;
}

/** Mean share of unknown tokens per record. */
export function unknownTokenRate(w: MonitorWindow): number {
  let s = 0;
  for (let i = 0; i < w.size; i++) s += w.unknownTokenRatio[i];
  return w.size > 0 ? s / w.size : 0;
}

/** Share of records whose text (by hash) already appeared earlier in the window. */
export function duplicateShare(w: MonitorWindow): number {
  return w.size > 0 ? (w.size - w.textSha256.distinctCount()) / w.size : 0;
}

interface RateSpec {
  check: string;
  title: string;
  measure: (w: MonitorWindow) => number;
  /** Limits on the rise over the reference, or absolute limits when `absolute`. */
  limits: { warning: number; alert: number };
  absolute: boolean;
  what: string;
}

function rateFinding(ctx: CheckContext, spec: RateSpec): DraftFinding {
  const { reference, current, config } = ctx;
  const min = config.minIntegritySampleSize;
  const refRate = reference.size > 0 ? spec.measure(reference) : 0;
  const offset = spec.absolute ? 0 : refRate;
  const base = {
    check: spec.check,
    group: 'integrity' as const,
    title: spec.title,
    method: null,
    thresholds: { warning: offset + spec.limits.warning, alert: offset + spec.limits.alert },
    direction: 'high_is_drift' as const,
    referenceSize: reference.size,
    currentSize: current.size,
    minSampleSize: min,
    maxVerdict: 'alert' as const,
  };
  if (current.size < min) return insufficient(base);
  const rate = spec.measure(current);
  return {
    ...base,
    value: rate,
    pValue: null,
    insufficient: false,
    describe: `${spec.what} ${formatNumber(rate * 100)}% (reference ${formatNumber(refRate * 100)}%)`,
    details: { referenceRate: refRate },
  };
}

export function integrityRateChecks(ctx: CheckContext): DraftFinding[] {
  const limits = ctx.config.integrity;
  return [
    rateFinding(ctx, {
      check: 'integrity.empty_text',
      title: 'Empty texts',
      measure: emptyTextRate,
      limits: limits.emptyText,
      absolute: true,
      what: 'empty texts',
    }),
    rateFinding(ctx, {
      check: 'integrity.truncation',
      title: 'Truncated inputs',
      measure: truncationRate,
      limits: limits.truncationRise,
      absolute: false,
      what: 'truncated inputs',
    }),
    rateFinding(ctx, {
      check: 'integrity.unknown_tokens',
      title: 'Unknown tokens',
      measure: unknownTokenRate,
      limits: limits.unknownTokenRise,
      absolute: false,
      what: 'unknown tokens',
    }),
    rateFinding(ctx, {
      check: 'integrity.duplicates',
      title: 'Duplicate texts',
      measure: duplicateShare,
      limits: limits.duplicateRise,
      absolute: false,
      what: 'duplicate texts',
    }),
  ];
}
