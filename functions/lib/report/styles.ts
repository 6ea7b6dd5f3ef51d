/** The report's stylesheet: system fonts only, so the page loads nothing. */

export const VERDICT_COLOURS = {
  ok: '#2e7d32',
  warning: '#b26a00',
  alert: '#c62828',
  insufficient_data: '#6b7280',
} as const;

export const WINDOW_COLOURS = { reference: '#4e79a7', current: '#e15759' } as const;

export const REPORT_CSS = `
:root { color-scheme: light; --ref: ${WINDOW_COLOURS.reference}; --cur: ${WINDOW_COLOURS.current}; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2933; background: #f4f5f7; }
header { background: #1f2933; color: #fff; padding: 16px 24px; display: flex; flex-wrap: wrap; gap: 8px 32px; align-items: center; }
header h1 { font-size: 20px; margin: 0 16px 0 0; }
header dl { display: flex; flex-wrap: wrap; gap: 4px 24px; margin: 0; }
header dt { font-size: 11px; text-transform: uppercase; opacity: .7; }
header dd { margin: 0; }
main { padding: 16px 24px 48px; max-width: 1500px; margin: 0 auto; }
h2 { font-size: 17px; margin: 28px 0 10px; }
h3 { font-size: 14px; margin: 0 0 6px; }
.card { background: #fff; border-radius: 6px; box-shadow: 0 1px 2px rgba(0,0,0,.08); padding: 12px 14px; margin-bottom: 14px; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(440px, 1fr)); gap: 14px; }
.grid .card { margin: 0; }
.chart { width: 100%; height: 260px; }
.chart.tall { height: 620px; }
.muted { color: #6b7280; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; color: #fff; font-size: 12px; font-weight: 600; white-space: nowrap; }
${Object.entries(VERDICT_COLOURS)
  .map(([v, c]) => `.verdict-${v} { background: ${c}; }`)
  .join('\n')}
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid #e5e7eb; vertical-align: top; }
th { font-size: 12px; color: #4b5563; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.cluster-row { cursor: pointer; }
tr.cluster-row:hover { background: #f3f4f6; }
tr.cluster-row.selected { background: #fff7d6; }
td.ratio { white-space: nowrap; width: 170px; }
.ratio-track { position: relative; display: inline-block; width: 100px; height: 10px; margin-right: 8px; background: #eef0f3; border-radius: 2px; vertical-align: middle; }
.ratio-track::after { content: ""; position: absolute; left: 50%; top: -2px; bottom: -2px; width: 1px; background: #9aa1ab; }
.ratio-bar { position: absolute; top: 0; bottom: 0; border-radius: 2px; }
.ratio-num { display: inline-block; min-width: 42px; text-align: right; font-variant-numeric: tabular-nums; font-weight: 600; }
ul.samples { margin: 0; padding-left: 18px; }
h4 { font-size: 13px; margin: 10px 0 4px; }
ul.novelty-summary { margin: 0 0 6px; padding-left: 18px; }
tr.novel-text.novel td.text { font-weight: 600; }
td.text { overflow-wrap: anywhere; }
.colour-toggle { margin: 0 0 6px; }
ul.samples li { overflow-wrap: anywhere; }
.tt { max-width: 420px; white-space: normal; font-size: 12px; }
.tt-head { font-weight: 600; margin-bottom: 2px; }
.tt-dot { display: inline-block; width: 8px; height: 8px; border-radius: 50%; margin-right: 6px; }
.tt-text { color: #111; margin-bottom: 4px; overflow-wrap: anywhere; }
.tt-meta { color: #4b5563; }
.pill { color: #fff; border-radius: 8px; padding: 0 6px; }
.pill.reference { background: var(--ref); }
.pill.current { background: var(--cur); }
`;
