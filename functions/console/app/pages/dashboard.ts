/**
 * A custom dashboard: a gridstack grid of widgets the user adds, drags, resizes and removes, saved as
 * JSON through PUT /dashboards/{id} after every change, and editable as code.
 */
import { type GridItemHTMLElement, GridStack, type GridStackNode } from 'gridstack';
import type { Widget } from '../../../lib/console/dashboard.ts';
import { ApiError, api, type Dashboard, forgetLatestReports, type ModelVersionSummary } from '../api.ts';
import { clear, errorBox, h, href } from '../dom.ts';
import { renderWidget, WIDGET_LABELS } from '../widgets.ts';

const SAVE_DELAY_MS = 250;

export async function dashboardPage(root: HTMLElement, id: string, rerender: () => void): Promise<void> {
  forgetLatestReports();
  let dash: Dashboard & { default?: boolean };
  try {
    dash = await api.dashboard(id);
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 'DASHBOARD_NOT_FOUND')) throw err;
    dash = { schemaVersion: 1, id, title: id, widgets: [], updated_at: null };
  }
  const models = (await api.models()).models;
  const widgets = new Map<string, Widget>(dash.widgets.map((w) => [w.id, w]));
  const resizers = new Map<string, () => void>();
  const status = h(
    'span',
    { id: 'save-status', class: 'muted' },
    dash.default ? 'Default layout (not saved yet)' : dash.updated_at ? `Saved` : 'Not saved yet',
  );
  const titleInput = h('input', {
    id: 'dashboard-title',
    'aria-label': 'dashboard title',
    value: dash.title,
    maxlength: 200,
  });
  const gridEl = h('div', { class: 'grid-stack', id: 'grid' });
  const codeArea = h('textarea', {
    id: 'dashboard-code',
    rows: 18,
    spellcheck: 'false',
    'aria-label': 'dashboard as JSON',
  });
  const codeError = h('p', { id: 'code-error', class: 'error', role: 'alert' });
  const codePanel = h(
    'div',
    { id: 'code-panel', class: 'hidden' },
    codeArea,
    codeError,
    h('button', { id: 'apply-code', type: 'button', onclick: () => void applyCode() }, 'Apply'),
  );

  let timer: ReturnType<typeof setTimeout> | undefined;
  let saving = Promise.resolve();
  const body = () => ({ title: titleInput.value, widgets: [...widgets.values()] });
  const save = () => {
    clearTimeout(timer);
    status.textContent = 'Saving…';
    timer = setTimeout(() => {
      saving = saving.then(async () => {
        try {
          const saved = await api.saveDashboard(id, body());
          status.textContent = `Saved ${new Date(saved.updated_at ?? Date.now()).toISOString().slice(11, 19)} UTC`;
          status.setAttribute('data-saved', saved.updated_at ?? '');
        } catch (err) {
          status.textContent = `Not saved: ${err instanceof Error ? err.message : String(err)}`;
        }
      });
    }, SAVE_DELAY_MS);
  };

  async function applyCode() {
    codeError.textContent = '';
    let parsed: unknown;
    try {
      parsed = JSON.parse(codeArea.value);
    } catch (err) {
      codeError.textContent = `not JSON: ${(err as Error).message}`;
      return;
    }
    try {
      await api.saveDashboard(id, parsed);
      rerender();
    } catch (err) {
      codeError.textContent = err instanceof Error ? err.message : String(err);
    }
  }

  // The add-widget form: kind, model version, and for a metric the checks and which number.
  const kind = h(
    'select',
    { id: 'widget-kind', 'aria-label': 'widget kind' },
    ...Object.entries(WIDGET_LABELS).map(([k, label]) => h('option', { value: k }, label)),
  );
  const model = h(
    'select',
    { id: 'widget-model', 'aria-label': 'model version' },
    ...models.map((m: ModelVersionSummary) =>
      h('option', { value: `${m.model.name}@${m.model.version}` }, `${m.model.name}@${m.model.version}`),
    ),
  );
  const checks = h('input', {
    id: 'widget-checks',
    placeholder: 'checks, e.g. embedding_drift.mmd, embedding_drift.mmd[language=de]',
    list: 'check-ids',
    size: 48,
  });
  const checkIds = h('datalist', { id: 'check-ids' });
  const stat = h(
    'select',
    { id: 'widget-stat', 'aria-label': 'statistic' },
    h('option', { value: 'value' }, 'value'),
    h('option', { value: 'p_value' }, 'p-value'),
  );
  const widgetTitle = h('input', { id: 'widget-title', placeholder: 'title (optional)', maxlength: 200 });
  const addError = h('span', { class: 'error', id: 'add-error' });
  const refreshCheckIds = async () => {
    const [name, version] = model.value.split('@');
    clear(checkIds);
    if (!name) return;
    const series = await api.runs(name, version, 1).catch(() => null);
    const run = series?.runs[0];
    if (!run) return;
    const report = await api.run(name, version, run.run);
    for (const f of report.findings) checkIds.append(h('option', { value: f.check }));
  };
  model.addEventListener('change', () => void refreshCheckIds());
  void refreshCheckIds();

  root.append(
    h(
      'p',
      { class: 'crumbs' },
      h('a', { href: '#/' }, 'Models'),
      ' / ',
      h('a', { href: '#/dashboards' }, 'Dashboards'),
      ' / ',
      id,
    ),
    h(
      'div',
      { class: 'dash-head' },
      titleInput,
      ' ',
      status,
      ' ',
      h(
        'button',
        {
          type: 'button',
          id: 'toggle-code',
          onclick: () => {
            codeArea.value = JSON.stringify(body(), null, 2);
            codeError.textContent = '';
            codePanel.classList.toggle('hidden');
          },
        },
        'Edit as code',
      ),
    ),
    h(
      'form',
      {
        class: 'add-widget',
        id: 'add-widget',
        onsubmit: (e: Event) => {
          e.preventDefault();
          addError.textContent = '';
          const [name, version] = model.value.split('@');
          if (!name) {
            addError.textContent = 'declare a model version first';
            return;
          }
          const w: Widget = {
            id: `w${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`,
            kind: kind.value as Widget['kind'],
            title: widgetTitle.value || WIDGET_LABELS[kind.value as Widget['kind']],
            x: 0,
            y: 0,
            w: 6,
            h: 4,
            model: { name, version },
          };
          if (w.kind === 'metric') {
            w.checks = checks.value
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean);
            w.stat = stat.value as 'value' | 'p_value';
            if (w.checks.length === 0) {
              addError.textContent = 'name at least one check';
              return;
            }
          }
          addWidget(w, true);
          save();
        },
      },
      'Add ',
      kind,
      ' for ',
      model,
      ' ',
      checks,
      checkIds,
      ' ',
      stat,
      ' ',
      widgetTitle,
      ' ',
      h('button', { type: 'submit', id: 'add-widget-button' }, 'Add widget'),
      ' ',
      addError,
    ),
    codePanel,
    gridEl,
  );
  const created = GridStack.init(
    {
      column: 12,
      cellHeight: 70,
      margin: 6,
      mode: 'float',
      handle: '.widget-head',
      resizable: { handles: 'e,se,s' },
      animate: false,
    },
    gridEl,
  );
  if (!created) throw new Error('the dashboard grid could not be created');
  const grid: GridStack = created;

  function addWidget(w: Widget, auto: boolean) {
    widgets.set(w.id, w);
    const el = grid.addWidget({ id: w.id, x: w.x, y: w.y, w: w.w, h: w.h, autoPosition: auto });
    if (!el) return;
    const node = el.gridstackNode;
    if (node) Object.assign(w, { x: node.x ?? w.x, y: node.y ?? w.y });
    el.setAttribute('data-widget', w.id);
    el.setAttribute('data-kind', w.kind);
    const content = el.querySelector('.grid-stack-item-content') as HTMLElement;
    const bodyEl = h('div', { class: 'widget-body' });
    content.replaceChildren(
      h(
        'div',
        { class: 'widget-head' },
        h('span', { class: 'widget-title' }, w.title || WIDGET_LABELS[w.kind]),
        h('span', { class: 'muted' }, ` ${w.model.name}@${w.model.version}`),
        h(
          'button',
          {
            type: 'button',
            class: 'remove-widget',
            'aria-label': `remove ${w.title}`,
            onclick: () => {
              grid.removeWidget(el);
            },
          },
          '×',
        ),
      ),
      bodyEl,
    );
    renderWidget(bodyEl, w).then(
      (resize) => resizers.set(w.id, resize),
      (err) => bodyEl.append(errorBox(err)),
    );
  }

  grid.batchUpdate();
  for (const w of dash.widgets) addWidget(w, false);
  grid.batchUpdate(false);

  const sync = (nodes: GridStackNode[] | undefined) => {
    for (const n of nodes ?? []) {
      const w = widgets.get(String(n.id));
      if (w) Object.assign(w, { x: n.x ?? w.x, y: n.y ?? w.y, w: n.w ?? w.w, h: n.h ?? w.h });
    }
  };
  grid.on('change', (_e, nodes) => {
    sync(nodes as GridStackNode[]);
    save();
  });
  grid.on('removed', (_e, nodes) => {
    for (const n of (nodes as GridStackNode[]) ?? []) widgets.delete(String(n.id));
    save();
  });
  grid.on('resizestop', (_e, el) => resizers.get(String((el as GridItemHTMLElement).gridstackNode?.id))?.());
  titleInput.addEventListener('change', () => save());
  root.setAttribute('data-dashboard', id);
  // Links for the reader: where this dashboard's widgets come from.
  root.append(
    h(
      'p',
      { class: 'muted' },
      ...[...new Set(dash.widgets.map((w) => `${w.model.name}@${w.model.version}`))].map((m) => {
        const [n, v] = m.split('@');
        return [h('a', { href: href('m', n, v) }, m), ' '];
      }),
    ),
  );
}
