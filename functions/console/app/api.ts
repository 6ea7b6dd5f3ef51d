/** The console's calls to its own origin's read API, with the sign-in token when there is one. */
import type { OpenAlert } from '../../lib/console/alerts.ts';
import type { Dashboard } from '../../lib/console/dashboard.ts';
import type { RunSummary, Series } from '../../lib/console/runs.ts';
import type { ModelVersion } from '../../lib/models/model-version.ts';
import type { MonitorReport } from '../../lib/monitor/types.ts';
import { authHeader } from './auth.ts';

export type { Dashboard, ModelVersion, MonitorReport, OpenAlert, RunSummary, Series };

export interface ModelVersionSummary {
  model: ModelVersion;
  latest: RunSummary | null;
  open_alerts: number | null;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...(await authHeader()) };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    throw new ApiError(
      res.status,
      'INVALID_RESPONSE',
      `${method} ${path}: ${res.status} ${text.slice(0, 200)}`,
    );
  }
  if (!res.ok) {
    const e = (json as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(res.status, e?.code ?? 'HTTP_ERROR', e?.message ?? `${method} ${path}: ${res.status}`);
  }
  return json as T;
}

const enc = encodeURIComponent;
const versionPath = (name: string, version: string) => `/models/${enc(name)}/versions/${enc(version)}`;

export const api = {
  models: (cursor?: string | null) =>
    call<{ models: ModelVersionSummary[]; next_cursor: string | null }>(
      'GET',
      `/console/models?limit=1000${cursor ? `&cursor=${enc(cursor)}` : ''}`,
    ),
  runs: (name: string, version: string, limit = 100, cursor?: string | null) =>
    call<{ runs: RunSummary[]; total: number; next_cursor: string | null }>(
      'GET',
      `${versionPath(name, version)}/runs?limit=${limit}${cursor ? `&cursor=${enc(cursor)}` : ''}`,
    ),
  run: (name: string, version: string, run: string) =>
    call<MonitorReport>('GET', `${versionPath(name, version)}/runs/${enc(run)}`),
  series: (name: string, version: string, q: { checks?: string[]; metrics?: string[]; limit?: number }) => {
    const params = new URLSearchParams();
    if (q.checks?.length) params.set('checks', q.checks.join(','));
    if (q.metrics?.length) params.set('metrics', q.metrics.join(','));
    params.set('limit', String(q.limit ?? 90));
    return call<Series>('GET', `${versionPath(name, version)}/series?${params}`);
  },
  alerts: (name: string, version: string) =>
    call<{ alerts: OpenAlert[] }>('GET', `${versionPath(name, version)}/alerts`),
  dashboards: () =>
    call<{
      dashboards: { id: string; title: string; widgets: number; updated_at: string | null }[];
      next_cursor: string | null;
    }>('GET', '/dashboards?limit=1000'),
  dashboard: (id: string) => call<Dashboard & { default: boolean }>('GET', `/dashboards/${enc(id)}`),
  saveDashboard: (id: string, body: unknown) =>
    call<Dashboard & { default: boolean }>('PUT', `/dashboards/${enc(id)}`, body),
};

/** The newest report of a model version, shared by the widgets of one page view. */
const latestCache = new Map<string, Promise<MonitorReport | null>>();
export function latestReport(name: string, version: string): Promise<MonitorReport | null> {
  const key = `${name}@${version}`;
  let hit = latestCache.get(key);
  if (!hit) {
    hit = api.runs(name, version, 1).then((r) => (r.runs[0] ? api.run(name, version, r.runs[0].run) : null));
    hit.catch(() => latestCache.delete(key));
    latestCache.set(key, hit);
  }
  return hit;
}

export function forgetLatestReports(): void {
  latestCache.clear();
}
