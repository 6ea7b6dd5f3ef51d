/** One model version: its runs as a timeline coloured by verdict, open alerts, a run's findings and segments. */
import { api, type MonitorReport, type RunSummary } from '../api.ts';
import { clear, errorBox, formatNumber, formatTime, h, href, table, verdictBadge } from '../dom.ts';

function findingRows(report: MonitorReport, name: string, version: string, segments: boolean) {
  return report.findings
    .filter((f) => f.check.includes('[') === segments)
    .map((f) => [
      h('a', { href: href('m', name, version, 'check', f.check.replace(/\[.*$/, '')) }, f.check),
      f.title,
      formatNumber(f.value, 4),
      formatNumber(f.pValueAdjusted ?? f.pValue, 4),
      `${formatNumber(f.thresholds.warning)} / ${formatNumber(f.thresholds.alert)}`,
      verdictBadge(f.verdict),
      f.message,
    ]);
}

function runDetail(report: MonitorReport, name: string, version: string): HTMLElement {
  const headers = ['Check', 'Title', 'Value', 'p (adj.)', 'Warn / alert', 'Verdict', 'Message'];
  const segmentRows = findingRows(report, name, version, true);
  const words = report.characteristicWords?.current ?? [];
  const novel = report.novelty?.records ?? [];
  return h(
    'section',
    { id: 'run-detail' },
    h(
      'h2',
      {},
      `Run ${formatTime(report.window.end)} `,
      verdictBadge(report.summary.worst),
      ' ',
      h(
        'a',
        { href: href('m', name, version, 'projector', runIdOf(report)), id: 'projector-link' },
        'projector',
      ),
    ),
    h(
      'p',
      {},
      `window ${formatTime(report.window.start)} – ${formatTime(report.window.end)}, reference ${report.reference.kind} (${report.reference.size} records)`,
    ),
    h('h3', {}, 'Findings'),
    table(headers, findingRows(report, name, version, false), { id: 'findings-table' }),
    h('h3', {}, 'Segments'),
    segmentRows.length
      ? table(headers, segmentRows, { id: 'segments-table' })
      : h('p', { class: 'empty' }, 'No segment findings in this run (declare fields with "segment": true).'),
    words.length
      ? [
          h('h3', {}, 'Characteristic words of the current window'),
          table(
            ['Word', 'Current', 'Reference', 'z'],
            words
              .slice(0, 15)
              .map((w) => [w.word, String(w.current), String(w.reference), formatNumber(w.z, 2)]),
            { id: 'words-table' },
          ),
        ]
      : null,
    novel.length
      ? [
          h('h3', {}, 'Most novel texts'),
          table(
            ['Text', 'Label', 'Novelty'],
            novel.slice(0, 10).map((r) => [r.text ?? '(no text)', r.label, formatNumber(r.novelty, 3)]),
            { id: 'novel-table' },
          ),
        ]
      : null,
  );
}

export function runIdOf(report: MonitorReport): string {
  return new Date(report.window.end).toISOString().replace(/:/g, '-');
}

export async function modelVersionPage(
  root: HTMLElement,
  name: string,
  version: string,
  selected?: string,
): Promise<void> {
  const [runs, alerts] = await Promise.all([api.runs(name, version, 100), api.alerts(name, version)]);
  const detail = h(
    'div',
    {},
    h('p', { class: 'empty' }, 'No runs yet: run `vigil monitor` for this model version.'),
  );
  const timeline = h('div', { class: 'timeline', id: 'timeline', role: 'list' });
  const ordered: RunSummary[] = [...runs.runs].reverse();
  const select = async (run: RunSummary) => {
    for (const el of Array.from(timeline.querySelectorAll('.run-cell')))
      el.classList.toggle('selected', el.getAttribute('data-run') === run.run);
    clear(detail);
    detail.append(h('p', {}, 'Loading…'));
    try {
      const report = await api.run(name, version, run.run);
      clear(detail);
      detail.append(runDetail(report, name, version));
    } catch (err) {
      clear(detail);
      detail.append(errorBox(err));
    }
  };
  const cell = (run: RunSummary) =>
    h('button', {
      class: `run-cell verdict-${run.worst}`,
      'data-run': run.run,
      'data-verdict': run.worst,
      title: `${formatTime(run.window.end)} · ${run.worst} · ${run.volume ?? '–'} records`,
      'aria-label': `run ${run.run}: ${run.worst}`,
      role: 'listitem',
      onclick: () => void select(run),
    });
  for (const run of ordered) timeline.append(cell(run));
  // Older runs, a page at a time, go in front of the timeline.
  let cursor = runs.next_cursor;
  const older = h(
    'button',
    {
      type: 'button',
      id: 'older-runs',
      class: cursor ? '' : 'hidden',
      onclick: async () => {
        if (!cursor) return;
        const page = await api.runs(name, version, 100, cursor);
        cursor = page.next_cursor;
        timeline.prepend(...[...page.runs].reverse().map(cell));
        older.classList.toggle('hidden', !cursor);
      },
    },
    'Older runs',
  );
  root.append(
    h('p', { class: 'crumbs' }, h('a', { href: '#/' }, 'Models'), ' / ', `${name}@${version}`),
    h('h1', {}, `${name}@${version}`),
    h('p', {}, h('a', { href: href('d', `${name}@${version}`) }, 'Dashboard'), ` · ${runs.total} runs`),
    h('h2', {}, 'Runs'),
    timeline,
    older,
    h(
      'p',
      { class: 'legend' },
      ...['ok', 'warning', 'alert', 'insufficient_data'].map((v) => [verdictBadge(v), ' ']),
    ),
    h('h2', {}, 'Open alerts'),
    alerts.alerts.length
      ? table(
          ['Check', 'Severity', 'Latest verdict', 'Opened', 'Last notified'],
          alerts.alerts.map((a) => [
            a.check,
            verdictBadge(a.severity),
            verdictBadge(a.verdict),
            formatTime(a.opened_at),
            formatTime(a.last_notified_at),
          ]),
          { id: 'alerts-table' },
        )
      : h('p', { class: 'empty', id: 'no-alerts' }, 'No open alerts.'),
    detail,
  );
  const initial = ordered.find((r) => r.run === selected) ?? ordered.at(-1);
  if (initial) await select(initial);
}
