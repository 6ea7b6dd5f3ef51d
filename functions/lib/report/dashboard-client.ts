/**
 * The script the report runs in the browser: it reads the JSON data block and draws the charts with
 * ECharts. User text only ever reaches the page through textContent or ECharts' canvas, never HTML.
 * Kept as plain ES2020 in a string because lib has no bundler and no file access; String.raw so
 * any escape written here reaches the browser unchanged.
 */

export const DASHBOARD_CLIENT_JS = String.raw`(() => {
  'use strict';
  const data = JSON.parse(document.getElementById('vigil-data').textContent);
  const C = data.colours;
  const charts = [];

  const h = (tag, className, text) => {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  };
  const fmt = (v) => {
    if (v === null || v === undefined || typeof v !== 'number' || Number.isNaN(v)) return '—';
    const a = Math.abs(v);
    if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(2);
    return String(Number(v.toPrecision(4)));
  };
  const pct = (v) => (typeof v === 'number' ? (v * 100).toFixed(1) + '%' : '—');
  const mount = (parent, title, id, tall) => {
    const card = h('section', 'card');
    card.appendChild(h('h3', null, title));
    const div = h('div', tall ? 'chart tall' : 'chart');
    div.id = id;
    card.appendChild(div);
    parent.appendChild(card);
    const chart = echarts.init(div, null, { renderer: 'canvas' });
    charts.push(chart);
    return chart;
  };
  // Tooltips are built as elements so no series or category name is parsed as HTML.
  const axisTooltip = (format) => (params) => {
    const list = Array.isArray(params) ? params : [params];
    const box = h('div', 'tt');
    if (list.length) box.appendChild(h('div', 'tt-head', list[0].axisValueLabel));
    for (const p of list) {
      const row = h('div', 'tt-row');
      const dot = h('span', 'tt-dot');
      dot.style.background = p.color;
      row.appendChild(dot);
      row.appendChild(h('span', null, p.seriesName + ': '));
      row.appendChild(h('b', null, format(Array.isArray(p.value) ? p.value[1] : p.value)));
      box.appendChild(row);
    }
    return box;
  };

  // Trends over past runs.
  const ts = data.timeSeries;
  const trends = document.getElementById('trends');
  for (const spec of ts.charts) {
    const right = spec.lines.some((l) => l.rightAxis);
    const left = spec.unitInterval ? { type: 'value', min: 0, max: 1 } : { type: 'value', scale: true };
    mount(trends, spec.title, 'ts-' + spec.id).setOption({
      animation: false,
      color: data.palette,
      grid: { left: 56, right: right ? 64 : 20, top: 40, bottom: 30 },
      legend: { top: 4, type: 'scroll' },
      tooltip: { trigger: 'axis', formatter: axisTooltip(fmt), confine: true },
      xAxis: { type: 'time' },
      yAxis: right ? [left, { type: 'value', scale: true, splitLine: { show: false } }] : [left],
      series: spec.lines.map((l) => ({
        name: l.name,
        type: 'line',
        yAxisIndex: l.rightAxis ? 1 : 0,
        symbolSize: 6,
        connectNulls: false,
        data: ts.times.map((t, i) => [t, l.values[i] === null ? '-' : l.values[i]]),
      })),
    });
  }
  if (!ts.charts.length) trends.appendChild(h('p', 'muted', 'No metrics recorded yet.'));

  // Distributions, reference against current, as shares so windows of different sizes compare.
  const shares = (xs) => {
    const total = xs.reduce((a, b) => a + b, 0);
    return xs.map((x) => (total > 0 ? x / total : 0));
  };
  const dist = document.getElementById('distributions');
  const bars = (title, id, categories, reference, current) =>
    mount(dist, title, id).setOption({
      animation: false,
      grid: { left: 56, right: 20, top: 40, bottom: 40 },
      legend: { top: 4 },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, formatter: axisTooltip(pct), confine: true },
      xAxis: { type: 'category', data: categories, axisLabel: { hideOverlap: true } },
      yAxis: { type: 'value', axisLabel: { formatter: (v) => Math.round(v * 100) + '%' } },
      series: [
        { name: 'reference', type: 'bar', data: shares(reference), itemStyle: { color: C.reference } },
        { name: 'current', type: 'bar', data: shares(current), itemStyle: { color: C.current } },
      ],
    });
  const binNames = (edges) => edges.slice(0, -1).map((e, i) => fmt(e) + '–' + fmt(edges[i + 1]));
  const d = data.distributions;
  bars('Score distribution', 'dist-scores', binNames(d.scores.edges), d.scores.reference, d.scores.current);
  bars('Label distribution', 'dist-labels', d.labels.labels, d.labels.reference, d.labels.current);
  if (d.textLength) {
    bars('Text length (characters)', 'dist-length', binNames(d.textLength.edges), d.textLength.reference, d.textLength.current);
  }

  // Embeddings projector.
  const proj = data.projector;
  const projRoot = document.getElementById('projector');
  if (!proj || !proj.points.length) {
    projRoot.appendChild(h('p', 'muted', 'No embeddings in this run.'));
  } else {
    const pts = proj.points;
    const byWindow = { reference: [], current: [] };
    pts.forEach((p, i) => byWindow[p.window].push([p.x, p.y, i]));
    // Each cluster's id sits just above its top-most point, clear of the points themselves.
    const labelAt = proj.clusters.map((cl) => {
      let top = null;
      for (const p of pts) if (p.cluster === cl.id && (top === null || p.y > top.y)) top = p;
      return [top.x, top.y, cl.id];
    });
    const pointTooltip = (p) => {
      const pt = pts[p.value[2]];
      const box = h('div', 'tt tt-point');
      box.appendChild(h('div', 'tt-text', pt.text === null ? '(text not stored)' : pt.text));
      const meta = h('div', 'tt-meta');
      meta.appendChild(h('span', 'pill ' + pt.window, pt.window));
      meta.appendChild(h('span', null, ' label '));
      meta.appendChild(h('b', null, pt.label));
      meta.appendChild(h('span', null, ' · score '));
      meta.appendChild(h('b', null, fmt(pt.score)));
      meta.appendChild(h('span', null, pt.cluster >= 0 ? ' · cluster #' + pt.cluster : ' · no cluster'));
      box.appendChild(meta);
      return box;
    };
    const scatter = (name, points, color) => ({
      name,
      type: 'scatter',
      data: points,
      symbolSize: 4,
      large: true,
      largeThreshold: 5000,
      itemStyle: { color, opacity: 0.75 },
      emphasis: { scale: 2.2, itemStyle: { opacity: 1, borderColor: '#111', borderWidth: 1 } },
    });
    const chart = mount(projRoot, 'UMAP of reference and current embeddings', 'projector-chart', true);
    // Colour by window (default) or by each current text's novelty (reference points stay grey).
    const hasNovelty = pts.some((p) => typeof p.novelty === 'number');
    const chartEl = document.getElementById('projector-chart');
    chartEl.dataset.colour = 'window';
    const colourBy = (mode) => {
      chartEl.dataset.colour = mode;
      if (mode === 'novelty') {
        const cur = pts.flatMap((p, i) => (p.window === 'current' ? [[p.x, p.y, i, typeof p.novelty === 'number' ? p.novelty : 0]] : []));
        chart.setOption({
          visualMap: [{ type: 'continuous', dimension: 3, seriesIndex: 1, min: 0, max: 1, calculable: false, orient: 'horizontal', left: 10, bottom: 10, text: ['novel', 'typical'], inRange: { color: ['#d1d5db', '#f59e0b', '#b91c1c'] } }],
          series: [{ itemStyle: { color: '#cbd5e1', opacity: 0.5 } }, { data: cur }],
        });
      } else {
        chart.setOption({ visualMap: [], series: [{ itemStyle: { color: C.reference, opacity: 0.75 } }, { data: byWindow.current }] }, { replaceMerge: ['visualMap'] });
      }
    };
    if (hasNovelty) {
      const bar = h('div', 'colour-toggle');
      bar.appendChild(h('span', 'muted', 'Colour points by '));
      const select = h('select');
      select.id = 'projector-colour';
      for (const [v, t] of [['window', 'window'], ['novelty', 'novelty of current texts']]) {
        const o = h('option', null, t);
        o.value = v;
        select.appendChild(o);
      }
      select.addEventListener('change', () => colourBy(select.value));
      bar.appendChild(select);
      chartEl.parentNode.insertBefore(bar, chartEl);
    }
    chart.setOption({
      animation: false,
      grid: { left: 10, right: 10, top: 40, bottom: 10 },
      legend: { top: 4, data: ['reference', 'current'] },
      toolbox: { right: 10, feature: { restore: { title: 'reset zoom' } } },
      tooltip: { trigger: 'item', formatter: pointTooltip, confine: true, className: 'vigil-tooltip' },
      xAxis: { type: 'value', scale: true, show: false },
      yAxis: { type: 'value', scale: true, show: false },
      dataZoom: [
        { type: 'inside', xAxisIndex: 0, filterMode: 'none' },
        { type: 'inside', yAxisIndex: 0, filterMode: 'none' },
      ],
      series: [
        scatter('reference', byWindow.reference, C.reference),
        scatter('current', byWindow.current, C.current),
        {
          name: 'selected cluster',
          type: 'scatter',
          data: [],
          symbolSize: 7,
          z: 3,
          itemStyle: { color: 'rgba(0,0,0,0)', borderColor: '#111', borderWidth: 1, opacity: 0.8 },
        },
        {
          name: 'cluster ids',
          type: 'scatter',
          data: labelAt,
          symbolSize: 0,
          silent: true,
          z: 4,
          tooltip: { show: false },
          label: {
            show: true,
            position: 'top',
            distance: 6,
            formatter: (p) => '#' + p.value[2],
            fontWeight: 'bold',
            color: '#222',
            textBorderColor: '#fff',
            textBorderWidth: 3,
          },
        },
      ],
    });

    // Cluster list: clicking a row (or a point) outlines that cluster's points on the map.
    const table = h('table', 'clusters');
    const head = h('tr');
    for (const t of ['cluster', 'reference', 'current']) head.appendChild(h('th', 'num', t));
    for (const t of ['drift ratio', 'sample texts']) head.appendChild(h('th', null, t));
    table.appendChild(h('thead')).appendChild(head);
    const body = table.appendChild(h('tbody'));
    const rows = new Map();
    let selected = null;
    const select = (id) => {
      selected = selected === id ? null : id;
      const marked = selected === null ? [] : pts.flatMap((p, i) => (p.cluster === selected ? [[p.x, p.y, i]] : []));
      chart.setOption({ series: [{}, {}, { data: marked }] });
      for (const [rid, row] of rows) row.classList.toggle('selected', rid === selected);
    };
    for (const cl of proj.clusters) {
      const row = h('tr', 'cluster-row');
      row.dataset.cluster = String(cl.id);
      row.appendChild(h('td', 'num', '#' + cl.id));
      row.appendChild(h('td', 'num', cl.reference));
      row.appendChild(h('td', 'num', cl.current));
      const ratio = h('td', 'ratio');
      const track = h('span', 'ratio-track');
      const bar = h('span', 'ratio-bar');
      bar.style.width = Math.round(Math.abs(cl.driftRatio) * 50) + '%';
      bar.style.background = cl.driftRatio >= 0 ? C.current : C.reference;
      bar.style[cl.driftRatio >= 0 ? 'left' : 'right'] = '50%';
      track.appendChild(bar);
      ratio.appendChild(track);
      ratio.appendChild(h('span', 'ratio-num', (cl.driftRatio > 0 ? '+' : '') + cl.driftRatio.toFixed(2)));
      row.appendChild(ratio);
      const texts = h('td');
      const list = h('ul', 'samples');
      for (const t of cl.sampleTexts) list.appendChild(h('li', null, t));
      if (!cl.sampleTexts.length) texts.appendChild(h('span', 'muted', '(no texts stored)'));
      texts.appendChild(list);
      row.appendChild(texts);
      row.addEventListener('click', () => select(cl.id));
      rows.set(cl.id, row);
      body.appendChild(row);
    }
    chart.on('click', (p) => {
      const pt = p.value && pts[p.value[2]];
      if (pt && pt.cluster >= 0) select(pt.cluster);
    });
    const noise = pts.filter((p) => p.cluster < 0).length;
    const note = h('p', 'muted', proj.clusters.length + ' clusters, sorted by |drift ratio| = |(current − reference) / (current + reference)| on window shares; ' + noise + ' of ' + pts.length + ' points are in no cluster. Click a row to outline its points.');
    const card = h('section', 'card');
    card.appendChild(h('h3', null, 'Clusters'));
    card.appendChild(note);
    card.appendChild(table);
    projRoot.appendChild(card);
  }

  window.addEventListener('resize', () => charts.forEach((c) => c.resize()));
  document.body.dataset.rendered = 'true';
})();
`;
