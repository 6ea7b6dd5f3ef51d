/**
 * A console dashboard: a 12-column grid of widgets a person arranges, stored as JSON at
 * dashboards/<id>.json and editable as code, so every field is validated with the path it sits at.
 */

export const GRID_COLUMNS = 12;
export const MAX_WIDGETS = 48;
export const MAX_DASHBOARD_BYTES = 256 * 1024;

export const WIDGET_KINDS = [
  'metric',
  'label_shares',
  'findings',
  'characteristic_words',
  'projector',
] as const;
export type WidgetKind = (typeof WIDGET_KINDS)[number];

/** Which number of a finding a metric widget charts. */
export type MetricStat = 'value' | 'p_value';

export interface Widget {
  /** Unique within the dashboard; the grid keeps widgets apart by it. */
  id: string;
  kind: WidgetKind;
  title: string;
  x: number;
  y: number;
  w: number;
  h: number;
  /** Model version the widget reads. */
  model: { name: string; version: string };
  /** metric only: finding ids, with segments as `<check>[<field>=<value>]`. */
  checks?: string[];
  /** metric only. @default 'value' */
  stat?: MetricStat;
}

export interface Dashboard {
  schemaVersion: 1;
  id: string;
  title: string;
  widgets: Widget[];
  updated_at: string | null;
}

/** A dashboard body that breaks a rule; `path` is where, e.g. `widgets[2].w`. */
export class DashboardError extends Error {
  readonly code = 'INVALID_DASHBOARD';
  constructor(
    readonly path: string,
    rule: string,
  ) {
    super(`${path}: ${rule}`);
    this.name = 'DashboardError';
  }
}

// Ids become object keys and URL segments: the partition-value alphabet plus '@' (name@version).
const ID_RE = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const MAX_TITLE = 200;
const MAX_CHECKS = 20;
const MAX_ROWS = 1000;
const MAX_HEIGHT = 24;

export function isDashboardId(id: string): boolean {
  return ID_RE.test(id);
}

export function dashboardKey(id: string): string {
  if (!isDashboardId(id)) throw new DashboardError('id', 'use 1-128 characters from A-Z a-z 0-9 . _ @ -');
  return `dashboards/${id}.json`;
}

export const DASHBOARDS_PREFIX = 'dashboards/';

/** The id of a model version's default dashboard; saving under it replaces the default. */
export function defaultDashboardId(name: string, version: string): string {
  return `${name}@${version}`;
}

/** `name@version` back to its parts, or null when the id is not a default's. */
export function parseDefaultDashboardId(id: string): { name: string; version: string } | null {
  const at = id.indexOf('@');
  if (at <= 0 || at !== id.lastIndexOf('@')) return null;
  const name = id.slice(0, at);
  const version = id.slice(at + 1);
  return NAME_RE.test(name) && NAME_RE.test(version) ? { name, version } : null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function int(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw new DashboardError(path, `must be ${min}-${max}`);
  return v;
}

function text(v: unknown, path: string, max: number): string {
  if (typeof v !== 'string') throw new DashboardError(path, 'must be a string');
  if (v.length > max) throw new DashboardError(path, `must be at most ${max} characters`);
  return v;
}

function parseWidget(raw: unknown, path: string): Widget {
  if (!isObject(raw)) throw new DashboardError(path, 'must be an object');
  const id = text(raw.id, `${path}.id`, 64);
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(id)) throw new DashboardError(`${path}.id`, 'use A-Z a-z 0-9 . _ -');
  if (typeof raw.kind !== 'string' || !(WIDGET_KINDS as readonly string[]).includes(raw.kind))
    throw new DashboardError(`${path}.kind`, `must be one of ${WIDGET_KINDS.join(', ')}`);
  const kind = raw.kind as WidgetKind;
  const title = raw.title === undefined ? '' : text(raw.title, `${path}.title`, MAX_TITLE);
  const x = int(raw.x, `${path}.x`, 0, GRID_COLUMNS - 1);
  const y = int(raw.y, `${path}.y`, 0, MAX_ROWS);
  const w = int(raw.w, `${path}.w`, 1, GRID_COLUMNS);
  const h = int(raw.h, `${path}.h`, 1, MAX_HEIGHT);
  if (x + w > GRID_COLUMNS) throw new DashboardError(`${path}.w`, `x + w must be at most ${GRID_COLUMNS}`);
  const model = raw.model;
  if (!isObject(model)) throw new DashboardError(`${path}.model`, 'must be {"name", "version"}');
  for (const part of ['name', 'version'] as const) {
    const v = model[part];
    if (typeof v !== 'string' || !NAME_RE.test(v))
      throw new DashboardError(`${path}.model.${part}`, 'must be a declared model name or version');
  }
  const widget: Widget = {
    id,
    kind,
    title,
    x,
    y,
    w,
    h,
    model: { name: model.name as string, version: model.version as string },
  };
  if (kind === 'metric') {
    const checks = raw.checks;
    if (!Array.isArray(checks) || checks.length === 0 || checks.length > MAX_CHECKS)
      throw new DashboardError(`${path}.checks`, `must list 1-${MAX_CHECKS} check ids`);
    widget.checks = checks.map((c, i) => text(c, `${path}.checks[${i}]`, 300));
    const stat = raw.stat ?? 'value';
    if (stat !== 'value' && stat !== 'p_value')
      throw new DashboardError(`${path}.stat`, 'must be "value" or "p_value"');
    widget.stat = stat;
  } else if (raw.checks !== undefined || raw.stat !== undefined) {
    throw new DashboardError(`${path}.checks`, 'only a metric widget takes checks and stat');
  }
  const known = new Set(['id', 'kind', 'title', 'x', 'y', 'w', 'h', 'model', 'checks', 'stat']);
  const extra = Object.keys(raw).find((k) => !known.has(k));
  if (extra) throw new DashboardError(`${path}.${extra}`, 'is not a widget field');
  return widget;
}

/** A validated dashboard from a request body; `updated_at` is set by the caller's clock. */
export function parseDashboard(raw: unknown, id: string, now: Date): Dashboard {
  if (!isDashboardId(id)) throw new DashboardError('id', 'use 1-128 characters from A-Z a-z 0-9 . _ @ -');
  if (!isObject(raw)) throw new DashboardError('$', 'must be a JSON object {"title", "widgets"}');
  if (raw.id !== undefined && raw.id !== id)
    throw new DashboardError('id', `must match the URL (${id}) or be left out`);
  const title = raw.title === undefined ? id : text(raw.title, 'title', MAX_TITLE);
  if (!Array.isArray(raw.widgets)) throw new DashboardError('widgets', 'must be a list');
  if (raw.widgets.length > MAX_WIDGETS)
    throw new DashboardError('widgets', `must have at most ${MAX_WIDGETS} widgets`);
  const widgets = raw.widgets.map((w, i) => parseWidget(w, `widgets[${i}]`));
  const seen = new Set<string>();
  widgets.forEach((w, i) => {
    if (seen.has(w.id)) throw new DashboardError(`widgets[${i}].id`, `${w.id} is used twice`);
    seen.add(w.id);
  });
  return { schemaVersion: 1, id, title, widgets, updated_at: now.toISOString() };
}

/** What a model version shows before anyone arranges it: its headline checks, labels and findings. */
export function defaultDashboard(name: string, version: string): Dashboard {
  const model = { name, version };
  return {
    schemaVersion: 1,
    id: defaultDashboardId(name, version),
    title: `${name}@${version}`,
    updated_at: null,
    widgets: [
      {
        id: 'drift',
        kind: 'metric',
        title: 'Embedding drift p-value',
        x: 0,
        y: 0,
        w: 6,
        h: 4,
        model,
        checks: ['embedding_drift.mmd'],
        stat: 'p_value',
      },
      { id: 'labels', kind: 'label_shares', title: 'Label shares', x: 6, y: 0, w: 6, h: 4, model },
      {
        id: 'findings',
        kind: 'findings',
        title: 'Findings of the latest run',
        x: 0,
        y: 4,
        w: 12,
        h: 5,
        model,
      },
    ],
  };
}
