/**
 * The embeddings projector of one run: reference and current points, clusters with their drift
 * ratio, novelty colouring when the run scored it, and a box or lasso selection listing the texts.
 */
import { api, type MonitorReport } from '../api.ts';
import { append, clear, formatNumber, formatTime, h, href, table } from '../dom.ts';

type Point = NonNullable<MonitorReport['projector']>['points'][number];
type Colouring = 'window' | 'cluster' | 'novelty';
const MAX_LISTED = 200;

export async function projectorPage(
  root: HTMLElement,
  name: string,
  version: string,
  run: string,
): Promise<void> {
  const [report, { makeChart, tooltipLines }] = await Promise.all([
    api.run(name, version, run),
    import('../charts.ts'),
  ]);
  const crumbs = h(
    'p',
    { class: 'crumbs' },
    h('a', { href: '#/' }, 'Models'),
    ' / ',
    h('a', { href: href('m', name, version) }, `${name}@${version}`),
    ' / projector',
  );
  const projector = report.projector;
  if (!projector) {
    root.append(
      crumbs,
      h('h1', {}, 'Projector'),
      h('p', { class: 'empty' }, 'This run has no projector (no embeddings).'),
    );
    return;
  }
  const points = projector.points;
  const novelty = new Map<string, number>();
  for (const r of report.novelty?.records ?? []) if (r.text !== null) novelty.set(r.text, r.novelty);
  const hasNovelty = novelty.size > 0;
  const chartEl = h('div', { class: 'chart projector-chart', id: 'projector-chart' });
  const selection = h(
    'div',
    { id: 'selection' },
    h(
      'p',
      { class: 'muted' },
      'Drag a box (or pick the lasso) on the chart to list the texts of the points inside.',
    ),
  );
  const colouring = h(
    'select',
    { id: 'colouring', 'aria-label': 'colour points by' },
    h('option', { value: 'window' }, 'window'),
    h('option', { value: 'cluster' }, 'cluster'),
    hasNovelty ? h('option', { value: 'novelty' }, 'novelty') : null,
  );
  root.append(
    crumbs,
    h('h1', {}, `Projector · ${formatTime(report.window.end)}`),
    h(
      'p',
      {},
      `${points.filter((p) => p.window === 'reference').length} reference and ${points.filter((p) => p.window === 'current').length} current points. Colour by `,
      colouring,
      hasNovelty ? '' : h('span', { class: 'muted' }, ' (this run has no novelty scores)'),
    ),
    chartEl,
    h('h2', {}, 'Selection'),
    selection,
    h('h2', {}, 'Clusters'),
    table(
      ['Cluster', 'Reference', 'Current', 'Drift ratio', 'Sample texts'],
      [...projector.clusters]
        .sort((a, b) => b.driftRatio - a.driftRatio)
        .map((c) => [
          String(c.id),
          String(c.reference),
          String(c.current),
          h(
            'span',
            { class: c.driftRatio > 0.5 ? 'ratio up' : 'ratio' },
            `${c.driftRatio >= 0 ? '+' : ''}${c.driftRatio.toFixed(2)}`,
          ),
          h('ul', { class: 'samples' }, ...c.sampleTexts.slice(0, 3).map((t) => h('li', {}, t))),
        ]),
      { id: 'clusters-table' },
    ),
  );
  const chart = makeChart(chartEl);
  // Series keep a point's index into `points` as the third value, so a selection maps back to it.
  const seriesFor = (mode: Colouring) => {
    const groups = new Map<string, number[]>();
    points.forEach((p, i) => {
      const key =
        mode === 'window'
          ? p.window
          : mode === 'cluster'
            ? p.cluster < 0
              ? 'noise'
              : `cluster ${p.cluster}`
            : p.window;
      const g = groups.get(key);
      if (g) g.push(i);
      else groups.set(key, [i]);
    });
    return [...groups].map(([key, idx]) => ({
      name: key,
      type: 'scatter' as const,
      symbolSize: 5,
      data: idx.map((i) => [points[i].x, points[i].y, i, novelty.get(points[i].text ?? '') ?? -1]),
      ...(mode === 'window'
        ? { itemStyle: { color: key === 'reference' ? '#7aa6d8' : '#e4572e', opacity: 0.7 } }
        : {}),
    }));
  };
  const draw = (mode: Colouring) => {
    chart.setOption(
      {
        animation: false,
        grid: { left: 40, right: 40, top: 40, bottom: 30 },
        legend: { type: 'scroll', top: 0 },
        xAxis: { type: 'value', scale: true, splitLine: { show: false } },
        yAxis: { type: 'value', scale: true, splitLine: { show: false } },
        tooltip: {
          trigger: 'item',
          formatter: (p: unknown) => {
            const pt = points[(p as { value: number[] }).value[2]];
            const n = novelty.get(pt.text ?? '');
            return tooltipLines([
              ['', pt.text ?? '(no text)'],
              ['label', pt.label],
              ['score', formatNumber(pt.score, 3)],
              ['window', pt.window],
              ['cluster', String(pt.cluster)],
              ...(n !== undefined ? ([['novelty', formatNumber(n, 3)]] as [string, string][]) : []),
            ]);
          },
        },
        toolbox: { feature: { brush: { type: ['rect', 'polygon', 'clear'] } }, right: 10 },
        brush: {
          toolbox: ['rect', 'polygon', 'clear'],
          xAxisIndex: 'all',
          yAxisIndex: 'all',
          throttleType: 'debounce',
          throttleDelay: 150,
        },
        ...(mode === 'novelty'
          ? {
              visualMap: {
                type: 'continuous',
                dimension: 3,
                min: 0,
                max: 1,
                right: 0,
                bottom: 10,
                text: ['novel', 'familiar'],
                inRange: { color: ['#c9d6e3', '#f4a261', '#b5179e'] },
                outOfRange: { color: '#dddddd' },
              },
            }
          : {}),
        series: seriesFor(mode),
      },
      true,
    );
    // Box selection is on by default: dragging on the chart selects.
    chart.dispatchAction({
      type: 'takeGlobalCursor',
      key: 'brush',
      brushOption: { brushType: 'rect', brushMode: 'single' },
    });
  };
  const showSelection = (picked: Point[]) => {
    clear(selection);
    append(selection, [
      h('p', { id: 'selection-count' }, `${picked.length} points selected`),
      table(
        ['Text', 'Label', 'Score', 'Window', 'Cluster'],
        picked
          .slice(0, MAX_LISTED)
          .map((p) => [
            p.text ?? '(no text)',
            p.label,
            formatNumber(p.score, 3),
            p.window,
            String(p.cluster),
          ]),
        { id: 'selection-table' },
      ),
      picked.length > MAX_LISTED
        ? h('p', { class: 'muted' }, `and ${picked.length - MAX_LISTED} more`)
        : null,
    ]);
  };
  chart.on('brushSelected', (e: unknown) => {
    const batch = (e as { batch: { selected: { seriesIndex: number; dataIndex: number[] }[] }[] }).batch[0];
    if (!batch) return;
    const option = chart.getOption() as { series: { data: number[][] }[] };
    const picked: Point[] = [];
    for (const s of batch.selected)
      for (const i of s.dataIndex) picked.push(points[option.series[s.seriesIndex].data[i][2]]);
    if (picked.length > 0 || selection.querySelector('#selection-table')) showSelection(picked);
  });
  colouring.addEventListener('change', () => draw(colouring.value as Colouring));
  draw(hasNovelty ? 'novelty' : 'window');
  if (hasNovelty) colouring.value = 'novelty';
}
