/** The findings of a report as a plain-text table for the terminal. */
import type { Finding, MonitorReport } from './types.ts';

const num = (v: number | null): string => {
  if (v === null) return '-';
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(2) : Number(v.toPrecision(3)).toString();
};

const row = (f: Finding): string[] => [
  f.verdict,
  f.check,
  num(f.value),
  num(f.pValue),
  num(f.pValueAdjusted),
  String(f.referenceSize),
  String(f.currentSize),
];

export function formatFindingsTable(report: MonitorReport): string {
  const header = ['verdict', 'check', 'value', 'p', 'p (BH)', 'n ref', 'n cur'];
  const rows = [header, ...report.findings.map(row)];
  const widths = header.map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) =>
    r
      .map((cell, c) => (c >= 2 ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  const { counts, worst } = report.summary;
  return [
    `${report.model.name} ${report.model.version}  window ${report.window.start} .. ${report.window.end}`,
    `reference: ${report.reference.kind} (${report.reference.size} records)`,
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.slice(1).map(line),
    '',
    `worst: ${worst}  (alert ${counts.alert}, warning ${counts.warning}, ok ${counts.ok}, insufficient data ${counts.insufficient_data})`,
  ].join('\n');
}
