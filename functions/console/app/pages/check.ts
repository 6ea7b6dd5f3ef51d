/** One check over runs: its value and p-value per segment, with the thresholds drawn. */
import { api } from '../api.ts';
import { append, formatNumber, formatTime, h, href, table, verdictBadge } from '../dom.ts';

export async function checkPage(
  root: HTMLElement,
  name: string,
  version: string,
  check: string,
): Promise<void> {
  const [series, { makeChart }, { drawFindingSeries }] = await Promise.all([
    api.series(name, version, { checks: [check], limit: 90 }),
    import('../charts.ts'),
    import('../time-series.ts'),
  ]);
  const ids = Object.keys(series.findings).sort((a, b) =>
    a === check ? -1 : b === check ? 1 : a.localeCompare(b),
  );
  const hasP = ids.some((id) =>
    series.findings[id].some((p) => p?.p_value !== null && p?.p_value !== undefined),
  );
  const valueChart = h('div', { class: 'chart', id: 'check-value-chart' });
  const pChart = h('div', { class: 'chart', id: 'check-p-chart' });
  const latest = (id: string) => [...series.findings[id]].reverse().find((p) => p !== null) ?? null;
  append(root, [
    h(
      'p',
      { class: 'crumbs' },
      h('a', { href: '#/' }, 'Models'),
      ' / ',
      h('a', { href: href('m', name, version) }, `${name}@${version}`),
      ' / ',
      check,
    ),
    h('h1', {}, series.titles[check] ?? check),
    h(
      'p',
      {},
      `${check} over the last ${series.runs.length} runs, ${ids.length - (ids.includes(check) ? 1 : 0)} segments`,
    ),
    ids.length === 0 ? h('p', { class: 'empty' }, 'No run has this check.') : null,
    h('h2', {}, 'Value'),
    valueChart,
    hasP ? [h('h2', {}, 'p-value'), pChart] : null,
    h('h2', {}, 'Latest per segment'),
    table(
      ['Finding', 'Value', 'p-value', 'p (adj.)', 'Warn / alert', 'Verdict'],
      ids.map((id) => {
        const p = latest(id);
        return [
          id,
          formatNumber(p?.value, 4),
          formatNumber(p?.p_value, 4),
          formatNumber(p?.p_value_adjusted, 4),
          p ? `${formatNumber(p.thresholds.warning)} / ${formatNumber(p.thresholds.alert)}` : '–',
          verdictBadge(p?.verdict),
        ];
      }),
      { id: 'segment-table' },
    ),
    h('p', { class: 'muted' }, `Newest run: ${formatTime(series.runs.at(-1)?.window_end)}`),
  ]);
  if (ids.length === 0) return;
  drawFindingSeries(makeChart(valueChart), series, 'value', ids);
  if (hasP) drawFindingSeries(makeChart(pChart), series, 'p_value', ids);
}
