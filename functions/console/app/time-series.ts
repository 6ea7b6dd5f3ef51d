/** Line charts over runs: a check's value or p-value (per segment, thresholds drawn) and metrics. */
import type { Series } from './api.ts';
import { type Chart, tooltipLines } from './charts.ts';
import { formatNumber, formatTime } from './dom.ts';

export type Stat = 'value' | 'p_value';

function axisTooltip(series: Series) {
  return {
    trigger: 'axis' as const,
    formatter: (params: unknown) => {
      const list = (Array.isArray(params) ? params : [params]) as {
        dataIndex: number;
        seriesName: string;
        value: unknown;
      }[];
      const run = series.runs[list[0]?.dataIndex ?? 0];
      return tooltipLines([
        ['window end', formatTime(run?.window_end)],
        ...list.map((p): [string, string] => [p.seriesName, formatNumber(p.value as number | null, 4)]),
      ]);
    },
  };
}

/** One line per finding id (the check and its segments); thresholds as dashed lines when they apply. */
export function drawFindingSeries(chart: Chart, series: Series, stat: Stat, ids: string[]): void {
  const x = series.runs.map((r) => formatTime(r.window_end).slice(0, 16));
  const lines = ids.map((id, i) => {
    const points = series.findings[id] ?? [];
    // Thresholds bound the value for distances and the adjusted p-value for tests.
    const last = [...points].reverse().find((p) => p !== null) ?? null;
    const onThisAxis = last && (stat === 'p_value') === (last.direction === 'low_is_drift');
    return {
      name: id,
      type: 'line' as const,
      showSymbol: true,
      symbolSize: 5,
      connectNulls: false,
      data: points.map((p) => (p ? (stat === 'value' ? p.value : p.p_value) : null)),
      ...(i === 0 && onThisAxis && last
        ? {
            markLine: {
              silent: true,
              symbol: 'none',
              lineStyle: { type: 'dashed' as const },
              data: [
                { yAxis: last.thresholds.warning, name: 'warning', lineStyle: { color: '#e0a100' } },
                { yAxis: last.thresholds.alert, name: 'alert', lineStyle: { color: '#d1342f' } },
              ],
              label: { formatter: '{b}', position: 'insideEndTop' as const },
            },
          }
        : {}),
    };
  });
  chart.setOption(
    {
      animation: false,
      grid: { left: 60, right: 24, top: 36, bottom: 40 },
      legend: { type: 'scroll', top: 0 },
      tooltip: axisTooltip(series),
      xAxis: { type: 'category', data: x },
      yAxis: {
        type: stat === 'p_value' ? 'log' : 'value',
        name: stat === 'p_value' ? 'p-value' : 'value',
        ...(stat === 'p_value' ? { max: 1 } : { scale: true }),
      },
      series: lines,
    },
    true,
  );
}

/** One line per metric key, e.g. every `label_share.*`. */
export function drawMetricSeries(chart: Chart, series: Series, keys: string[], stacked = false): void {
  chart.setOption(
    {
      animation: false,
      grid: { left: 50, right: 16, top: 36, bottom: 36 },
      legend: { type: 'scroll', top: 0 },
      tooltip: axisTooltip(series),
      xAxis: { type: 'category', data: series.runs.map((r) => formatTime(r.window_end).slice(0, 16)) },
      yAxis: { type: 'value', ...(stacked ? { max: 1 } : { scale: true }) },
      series: keys.map((k) => ({
        name: k.replace(/^label_share\./, ''),
        type: 'line' as const,
        ...(stacked ? { stack: 'shares', areaStyle: {} } : {}),
        connectNulls: false,
        data: series.metrics[k] ?? [],
      })),
    },
    true,
  );
}
