/** What each kind of dashboard widget draws, from the read API. */

import type { Widget } from '../../lib/console/dashboard.ts';
import { api, latestReport } from './api.ts';
import { formatNumber, h, table, verdictBadge } from './dom.ts';

export const WIDGET_LABELS: Record<Widget['kind'], string> = {
  metric: 'Metric over time',
  label_shares: 'Label shares',
  findings: 'Findings table',
  characteristic_words: 'Top characteristic words',
  projector: 'Projector',
};

/** Fills `body` for `widget`; returns a resize callback for charts. */
export async function renderWidget(body: HTMLElement, widget: Widget): Promise<() => void> {
  const { name, version } = widget.model;
  const nothing = () => {};
  if (widget.kind === 'findings' || widget.kind === 'characteristic_words') {
    const report = await latestReport(name, version);
    if (!report) {
      body.append(h('p', { class: 'empty' }, 'No runs yet.'));
      return nothing;
    }
    if (widget.kind === 'findings') {
      body.append(
        table(
          ['Check', 'Value', 'p (adj.)', 'Verdict'],
          report.findings.map((f) => [
            f.check,
            formatNumber(f.value, 4),
            formatNumber(f.pValueAdjusted, 4),
            verdictBadge(f.verdict),
          ]),
          { class: 'compact' },
        ),
      );
    } else {
      const words = report.characteristicWords?.current ?? [];
      body.append(
        words.length
          ? table(
              ['Word', 'Current', 'Reference', 'z'],
              words
                .slice(0, 15)
                .map((w) => [w.word, String(w.current), String(w.reference), formatNumber(w.z, 2)]),
              { class: 'compact' },
            )
          : h(
              'p',
              { class: 'empty' },
              'The latest run has no characteristic words (no texts, or not computed).',
            ),
      );
    }
    return nothing;
  }
  const { makeChart, tooltipLines } = await import('./charts.ts');
  const el = h('div', { class: 'widget-chart' });
  body.append(el);
  const chart = makeChart(el);
  if (widget.kind === 'metric' || widget.kind === 'label_shares') {
    const { drawFindingSeries, drawMetricSeries } = await import('./time-series.ts');
    if (widget.kind === 'metric') {
      const checks = widget.checks ?? [];
      const series = await api.series(name, version, { checks, limit: 90 });
      // Exactly the chosen ids (a chosen check without brackets brings no segments unless chosen).
      const ids = Object.keys(series.findings).filter((id) => checks.includes(id));
      drawFindingSeries(chart, series, widget.stat ?? 'value', ids);
    } else {
      const series = await api.series(name, version, { metrics: ['label_share.*'], limit: 90 });
      drawMetricSeries(chart, series, Object.keys(series.metrics), true);
    }
  } else {
    const report = await latestReport(name, version);
    const points = report?.projector?.points ?? [];
    chart.setOption({
      animation: false,
      grid: { left: 30, right: 10, top: 30, bottom: 20 },
      legend: { top: 0 },
      xAxis: { type: 'value', scale: true, splitLine: { show: false } },
      yAxis: { type: 'value', scale: true, splitLine: { show: false } },
      tooltip: {
        trigger: 'item',
        formatter: (p: unknown) => {
          const pt = points[(p as { value: number[] }).value[2]];
          return tooltipLines([
            ['', pt.text ?? '(no text)'],
            ['label', pt.label],
            ['score', formatNumber(pt.score, 3)],
          ]);
        },
      },
      series: (['reference', 'current'] as const).map((w) => ({
        name: w,
        type: 'scatter',
        symbolSize: 4,
        itemStyle: { color: w === 'reference' ? '#7aa6d8' : '#e4572e', opacity: 0.7 },
        data: points.flatMap((p, i) => (p.window === w ? [[p.x, p.y, i]] : [])),
      })),
    });
  }
  return () => chart.resize();
}
