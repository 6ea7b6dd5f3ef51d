/**
 * ECharts, tree-shaken to what the console draws and loaded only by pages with charts. Tooltips are
 * built as DOM nodes with text, so a record's text in a tooltip stays text.
 */
import { BarChart, LineChart, ScatterChart } from 'echarts/charts';
import {
  BrushComponent,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  ToolboxComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([
  BarChart,
  LineChart,
  ScatterChart,
  BrushComponent,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  ToolboxComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

// The browser tests locate points through the chart API (convertToPixel), as a user sees them.
(globalThis as { vigilEcharts?: typeof echarts }).vigilEcharts = echarts;

export { echarts };
export type Chart = echarts.ECharts;

const charts = new Set<Chart>();

export function makeChart(el: HTMLElement): Chart {
  const chart = echarts.init(el, undefined, { renderer: 'canvas' });
  charts.add(chart);
  return chart;
}

/** Disposes every chart of the previous page. */
export function disposeCharts(): void {
  for (const c of charts) c.dispose();
  charts.clear();
}

addEventListener('resize', () => {
  for (const c of charts) c.resize();
});

/** A tooltip body of label/value lines, as text nodes. */
export function tooltipLines(lines: [string, string][]): HTMLElement {
  const box = document.createElement('div');
  box.className = 'tip';
  for (const [k, v] of lines) {
    const row = document.createElement('div');
    const key = document.createElement('b');
    key.textContent = k ? `${k}: ` : '';
    row.append(key, document.createTextNode(v));
    box.append(row);
  }
  return box;
}

export const VERDICT_COLOURS: Record<string, string> = {
  ok: '#2e9d5b',
  warning: '#e0a100',
  alert: '#d1342f',
  insufficient_data: '#9aa0a6',
};
