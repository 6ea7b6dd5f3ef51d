/**
 * The self-contained HTML report of one monitoring run: one file, the charting library inlined, the
 * data in a JSON block, and a Content-Security-Policy that forbids every network request.
 */

import { createHash } from 'node:crypto';
import type { Finding, MonitorReport, Verdict } from '../monitor/types.ts';
import { DASHBOARD_CLIENT_JS } from './dashboard-client.ts';
import { escapeHtml, jsonForScript } from './escape.ts';
import { noveltySectionHtml } from './novelty-html.ts';
import { buildTimeSeries } from './series.ts';
import { REPORT_CSS, VERDICT_COLOURS, WINDOW_COLOURS } from './styles.ts';

export interface ReportAssets {
  /** The text of echarts/dist/echarts.min.js (see adapters/report-assets.ts). */
  echartsJs: string;
}

const SEVERITY: Record<Verdict, number> = { alert: 0, warning: 1, insufficient_data: 2, ok: 3 };
const VERDICT_NAMES: Record<Verdict, string> = {
  ok: 'ok',
  warning: 'warning',
  alert: 'alert',
  insufficient_data: 'insufficient data',
};
const PALETTE = ['#4e79a7', '#e15759', '#59a14f', '#f28e2b', '#76b7b2', '#b07aa1', '#edc948', '#9c755f'];

function fmt(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}

function badge(verdict: Verdict): string {
  const known = verdict in VERDICT_COLOURS ? verdict : 'insufficient_data';
  return `<span class="badge verdict-${known}">${escapeHtml(VERDICT_NAMES[known] ?? String(verdict))}</span>`;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64');
}

/** Inline scripts may not contain `</script`; a library that did would break out of its tag. */
function inlineScript(text: string): string {
  return text.replace(/<\/(script)/gi, '<\\/$1');
}

function findingRow(f: Finding): string {
  const threshold =
    f.direction === 'low_is_drift'
      ? `&lt; ${fmt(f.thresholds.warning)} / ${fmt(f.thresholds.alert)}`
      : `&gt; ${fmt(f.thresholds.warning)} / ${fmt(f.thresholds.alert)}`;
  const p = f.pValue === null ? '—' : `${fmt(f.pValue)} (${fmt(f.pValueAdjusted)})`;
  return `<tr class="finding" data-verdict="${escapeHtml(f.verdict)}">
<td>${badge(f.verdict)}</td>
<td><b>${escapeHtml(f.title)}</b><br><span class="muted">${escapeHtml(f.check)}${f.method ? ` · ${escapeHtml(f.method)}` : ''}</span></td>
<td class="num">${fmt(f.value)}</td>
<td class="num">${threshold}</td>
<td class="num">${p}</td>
<td class="num">${f.referenceSize} / ${f.currentSize}</td>
<td>${escapeHtml(f.message)}</td>
</tr>`;
}

function findingsTable(findings: Finding[]): string {
  if (findings.length === 0) return '<p class="muted">No findings in this run.</p>';
  const sorted = [...findings].sort((a, b) => (SEVERITY[a.verdict] ?? 9) - (SEVERITY[b.verdict] ?? 9));
  return `<table class="findings"><thead><tr><th>verdict</th><th>check</th><th>value</th>
<th>warning / alert</th><th>p (BH-adjusted)</th><th>n ref / cur</th><th>message</th></tr></thead>
<tbody>${sorted.map(findingRow).join('\n')}</tbody></table>`;
}

function header(r: MonitorReport): string {
  const ref =
    r.reference.kind === 'baseline'
      ? `baseline, ${r.reference.size} records`
      : `window ${r.reference.window ? `${r.reference.window.start} → ${r.reference.window.end}` : ''}, ${r.reference.size} records`;
  const counts = (Object.keys(SEVERITY) as Verdict[])
    .filter((v) => (r.summary.counts[v] ?? 0) > 0)
    .map((v) => `${r.summary.counts[v]} ${VERDICT_NAMES[v]}`)
    .join(', ');
  const item = (dt: string, dd: string) => `<div><dt>${dt}</dt><dd>${dd}</dd></div>`;
  return `<header><h1>Vigil · ${escapeHtml(r.model.name)}</h1><dl>
${item('version', escapeHtml(r.model.version))}
${item('window', `${escapeHtml(r.window.start)} → ${escapeHtml(r.window.end)}`)}
${item('reference', escapeHtml(ref))}
${item('run at', escapeHtml(r.runAt))}
${item('worst verdict', `${badge(r.summary.worst)} <span>${escapeHtml(counts)}</span>`)}
</dl></header>`;
}

/** Render the report. `history` is past reports of the same model version (the current one may be among them). */
export function renderReportHtml(
  report: MonitorReport,
  history: MonitorReport[],
  assets: ReportAssets,
): string {
  const payload = {
    timeSeries: buildTimeSeries(report, history),
    distributions: report.distributions,
    projector: report.projector ?? null,
    colours: { ...WINDOW_COLOURS, verdict: VERDICT_COLOURS },
    palette: PALETTE,
  };
  const echartsJs = inlineScript(assets.echartsJs);
  const clientJs = inlineScript(DASHBOARD_CLIENT_JS);
  // Scripts are allowed by hash only, so injected markup could not run even if escaping failed.
  const csp = [
    "default-src 'none'",
    `script-src 'sha256-${sha256(echartsJs)}' 'sha256-${sha256(clientJs)}'`,
    "style-src 'unsafe-inline'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Vigil · ${escapeHtml(report.model.name)} ${escapeHtml(report.model.version)} · ${escapeHtml(report.window.end)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
${header(report)}
<main>
<h2>Findings</h2>
<section class="card">${findingsTable(report.findings)}</section>
<h2>New text</h2>
${noveltySectionHtml(
  report.novelty,
  report.characteristicWords,
  20,
  report.findings.find((f) => f.check === 'novelty.text_neighbours'),
)}
<h2>Trends over past runs</h2>
<div id="trends" class="grid"></div>
<h2>Distributions: reference against current</h2>
<div id="distributions" class="grid"></div>
<h2>Embeddings projector</h2>
<div id="projector"></div>
</main>
<script type="application/json" id="vigil-data">${jsonForScript(payload)}</script>
<script>${echartsJs}</script>
<script>${clientJs}</script>
</body>
</html>
`;
}
