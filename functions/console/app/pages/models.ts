/** Every model version with its latest worst verdict, volume, last run time and open alerts. */
import { api, type ModelVersionSummary } from '../api.ts';
import { formatNumber, formatTime, h, href, table, verdictBadge } from '../dom.ts';

const RANK: Record<string, number> = { alert: 0, warning: 1, insufficient_data: 2, ok: 3 };

export async function modelsPage(root: HTMLElement): Promise<void> {
  const all: ModelVersionSummary[] = [];
  let cursor: string | null = null;
  do {
    const page = await api.models(cursor);
    all.push(...page.models);
    cursor = page.next_cursor;
  } while (cursor);
  // Worst first: the page answers "which models need me now".
  all.sort(
    (a, b) =>
      (RANK[a.latest?.worst ?? ''] ?? 4) - (RANK[b.latest?.worst ?? ''] ?? 4) ||
      a.model.name.localeCompare(b.model.name) ||
      a.model.version.localeCompare(b.model.version),
  );
  const count = (v: string) => all.filter((m) => m.latest?.worst === v).length;
  root.append(
    h('h1', {}, 'Models'),
    h(
      'p',
      { class: 'summary' },
      `${all.length} model versions · `,
      h('span', { class: 'count-alert' }, `${count('alert')} alert`),
      ' · ',
      h('span', { class: 'count-warning' }, `${count('warning')} warning`),
      ' · ',
      `${count('ok')} ok`,
    ),
    all.length === 0
      ? h(
          'p',
          { class: 'empty' },
          'No model versions yet: serve a model, POST /log, or declare one with PUT /models/….',
        )
      : table(
          ['Model', 'Version', 'Origin', 'Latest verdict', 'Volume', 'Last run', 'Open alerts', ''],
          all.map((m) => [
            h('a', { href: href('m', m.model.name, m.model.version), class: 'model-link' }, m.model.name),
            m.model.version,
            m.model.origin,
            verdictBadge(m.latest?.worst),
            formatNumber(m.latest?.volume ?? null, 0),
            formatTime(m.latest?.run_at),
            m.open_alerts === null ? '?' : String(m.open_alerts),
            h('a', { href: href('d', `${m.model.name}@${m.model.version}`) }, 'dashboard'),
          ]),
          { id: 'models-table' },
        ),
  );
}
