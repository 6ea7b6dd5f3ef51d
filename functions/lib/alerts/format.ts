/** What a person reads: the SNS subject, the plain-text email body and the filterable attributes. */
import type { AlertEvent, AlertFinding, AlertNotification } from './types.ts';

/** SNS rejects subjects of 100 characters or more. */
export const SUBJECT_MAX = 99;

// Keeps the SNS publish (email and Lambda bodies together) far below its 256 KB limit.
const MAX_EMAIL_EVENTS = 100;

export function formatSubject(n: AlertNotification): string {
  const worst = n.events[0];
  const others = n.events.length - 1;
  const tag = `[Vigil ${n.severity.toUpperCase()}]`;
  const what = worst ? `${worst.finding.title}${others > 0 ? ` +${others} more` : ''}` : 'no findings';
  const subject = asciiLine(`${tag} ${n.model.name} v${n.model.version}: ${what}`);
  return subject.length <= SUBJECT_MAX ? subject : `${subject.slice(0, SUBJECT_MAX - 3).trimEnd()}...`;
}

/** Printable ASCII only: SNS subjects allow no line breaks or control characters. */
export function asciiLine(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\s+/g, ' ')
    .replace(/[^\x20-\x7e]/g, '?')
    .trim();
}

export function formatEmailBody(n: AlertNotification): string {
  const bad = n.events.filter((e) => e.kind !== 'resolved').length;
  const good = n.events.length - bad;
  const headline = [
    bad > 0 ? `${bad} finding${bad === 1 ? ' needs' : 's need'} attention` : '',
    good > 0 ? `${good} recovered` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const lines = [
    `Vigil ${n.severity}: ${headline} for model "${n.model.name}" version ${n.model.version}.`,
    '',
    `Window:    ${n.window.start} .. ${n.window.end}`,
    `Reference: ${describeReference(n)}`,
    `Report:    ${n.reportUrl ?? '(no link configured)'}`,
  ];
  for (const e of n.events.slice(0, MAX_EMAIL_EVENTS)) lines.push('', ...describeEvent(e));
  if (n.events.length > MAX_EMAIL_EVENTS) {
    lines.push('', `...and ${n.events.length - MAX_EMAIL_EVENTS} more findings in the report.`);
  }
  lines.push(
    '',
    '--',
    `Sent by Vigil for the run at ${n.runAt} (message ${n.id}).`,
    'A finding that stays bad is repeated only after the cooldown or when its severity rises.',
  );
  return `${lines.join('\n')}\n`;
}

export function describeReference(n: AlertNotification): string {
  const r = n.reference;
  const size = `${r.size} records`;
  if (r.kind === 'window' && r.window) return `past window ${r.window.start} .. ${r.window.end}, ${size}`;
  return `${r.kind}, ${size}`;
}

function describeEvent(e: AlertEvent): string[] {
  const f = e.finding;
  const label = e.kind === 'resolved' ? 'RESOLVED' : f.verdict.toUpperCase();
  const history =
    e.kind === 'resolved'
      ? `was ${e.previousSeverity} since ${e.openedAt}, now ${f.verdict}`
      : e.kind === 'escalated'
        ? `rose from ${e.previousSeverity}, open since ${e.openedAt}`
        : e.kind === 'reminder'
          ? `still ${f.verdict}, open since ${e.openedAt}`
          : 'new';
  return [
    `[${label}] ${f.title} (${f.check}) - ${history}`,
    `  What:      ${f.message}`,
    `  How much:  ${describeMeasure(f)}`,
    `  p-value:   ${describePValue(f)}`,
    `  Samples:   reference ${f.referenceSize}, current ${f.currentSize} (minimum ${f.minSampleSize})`,
  ];
}

/** The measured value against its thresholds, saying which way is bad. */
export function describeMeasure(f: AlertFinding): string {
  const method = f.method ? `${f.method} = ` : 'value = ';
  const op = f.direction === 'high_is_drift' ? '>=' : '<=';
  const on = f.direction === 'high_is_drift' ? '' : ' on the adjusted p-value';
  return `${method}${formatNumber(f.value)}; alert at ${op} ${formatNumber(f.thresholds.alert)}, warning at ${op} ${formatNumber(f.thresholds.warning)}${on}`;
}

export function describePValue(f: AlertFinding): string {
  if (f.pValue === null && f.pValueAdjusted === null) return 'n/a (not a hypothesis test)';
  return `${formatNumber(f.pValue)}, Benjamini-Hochberg adjusted ${formatNumber(f.pValueAdjusted)}`;
}

export function formatNumber(x: number | null): string {
  if (x === null || Number.isNaN(x)) return 'n/a';
  if (x !== 0 && Math.abs(x) < 1e-3) return x.toExponential(2);
  return String(Number(x.toPrecision(4)));
}

export interface SnsAttribute {
  DataType: 'String' | 'String.Array';
  StringValue: string;
}

/** SNS MessageAttributes so subscriptions can filter on severity, model and check. */
export function messageAttributes(n: AlertNotification): Record<string, SnsAttribute> {
  const attrs: Record<string, SnsAttribute> = {
    severity: { DataType: 'String', StringValue: n.severity },
    model: { DataType: 'String', StringValue: n.model.name },
    version: { DataType: 'String', StringValue: n.model.version },
    check: { DataType: 'String.Array', StringValue: JSON.stringify(n.events.map((e) => e.check)) },
    event: {
      DataType: 'String.Array',
      StringValue: JSON.stringify([...new Set(n.events.map((e) => e.kind))]),
    },
    notification_id: { DataType: 'String', StringValue: n.id },
  };
  // SNS rejects empty attribute values.
  for (const [k, v] of Object.entries(attrs)) if (v.StringValue.length === 0) delete attrs[k];
  return attrs;
}

export { formatSlackBlocks, type SlackPayload } from './slack-blocks.ts';
