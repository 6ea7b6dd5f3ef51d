/** Saved dashboards and each model version's default one; a form to start a new dashboard. */
import { api } from '../api.ts';
import { formatTime, h, href, table } from '../dom.ts';

export async function dashboardsPage(root: HTMLElement): Promise<void> {
  const [saved, models] = await Promise.all([api.dashboards(), api.models()]);
  const savedIds = new Set(saved.dashboards.map((d) => d.id));
  const idInput = h('input', {
    id: 'new-dashboard-id',
    placeholder: 'new dashboard id, e.g. team-overview',
    pattern: '[A-Za-z0-9][A-Za-z0-9._@-]*',
    required: true,
  });
  root.append(
    h('h1', {}, 'Dashboards'),
    h(
      'form',
      {
        onsubmit: (e: Event) => {
          e.preventDefault();
          location.hash = href('d', idInput.value.trim());
        },
      },
      idInput,
      ' ',
      h('button', { type: 'submit' }, 'New dashboard'),
    ),
    table(
      ['Dashboard', 'Widgets', 'Saved'],
      [
        ...saved.dashboards.map((d) => [
          h('a', { href: href('d', d.id) }, d.title || d.id),
          String(d.widgets),
          formatTime(d.updated_at),
        ]),
        ...models.models
          .filter((m) => !savedIds.has(`${m.model.name}@${m.model.version}`))
          .map((m) => [
            h(
              'a',
              { href: href('d', `${m.model.name}@${m.model.version}`) },
              `${m.model.name}@${m.model.version} (default)`,
            ),
            '3',
            '–',
          ]),
      ],
      { id: 'dashboards-table' },
    ),
  );
}
