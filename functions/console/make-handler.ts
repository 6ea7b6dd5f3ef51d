/**
 * The console's read API over any object store: runs, reports, time series, open alerts, a models
 * summary and dashboards (GET/PUT). The same handler runs in `vigil serve` and behind API Gateway.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { decodeAlertState } from '../lib/alerts/state.ts';
import { type OpenAlert, openAlerts } from '../lib/console/alerts.ts';
import {
  DASHBOARDS_PREFIX,
  type Dashboard,
  DashboardError,
  dashboardKey,
  defaultDashboard,
  isDashboardId,
  MAX_DASHBOARD_BYTES,
  parseDashboard,
  parseDefaultDashboardId,
} from '../lib/console/dashboard.ts';
import {
  buildSeries,
  digestReport,
  isRunId,
  listRunKeys,
  pageOf,
  parseReport,
  type RunDigest,
  type RunSummary,
  runKey,
} from '../lib/console/runs.ts';
import { readJsonBody } from '../lib/http/body.ts';
import { HttpError, invalidRequest } from '../lib/http/errors.ts';
import { errorResponse, type HttpApiHandler, type HttpResult, jsonResponse } from '../lib/http/response.ts';
import { ModelVersionError } from '../lib/models/errors.ts';
import type { ModelVersion } from '../lib/models/model-version.ts';
import { listModelVersions, readModelVersion } from '../lib/models/registry.ts';
import { alertStateKey, InvalidPartitionValueError } from '../lib/records/layout.ts';
import type { ObjectStore } from '../lib/records/store.ts';

export interface ConsoleDeps {
  store: Pick<ObjectStore, 'getObject' | 'putObject' | 'list'>;
  now: () => number;
  /** How long a parsed report digest is reused (a re-run rewrites the newest report). @default 30 s */
  digestTtlMs?: number;
  logError?: (message: string, err: unknown) => void;
}

type Params = Record<string, string>;
type Route = (event: APIGatewayProxyEventV2, params: Params) => Promise<HttpResult>;

const VERSION_PATH = /^\/models\/([^/]+)\/versions\/([^/]+)\/(runs|series|alerts)(?:\/([^/]+))?$/;
const DASHBOARD_PATH = /^\/dashboards\/([^/]+)$/;
const READ_CONCURRENCY = 8;
const MAX_DIGESTS = 20_000;

function trim(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/** Paths this handler answers, for a dispatcher in front of several handlers. */
export function isConsoleApiPath(path: string): boolean {
  const p = trim(path);
  if (p === '/console/models' || p === '/dashboards' || DASHBOARD_PATH.test(p)) return true;
  const m = VERSION_PATH.exec(p);
  return m !== null && (m[4] === undefined || m[3] === 'runs');
}

function limitOf(event: APIGatewayProxyEventV2, fallback: number, max: number): number {
  const raw = event.queryStringParameters?.limit;
  const limit = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > max)
    throw invalidRequest(`limit must be an integer from 1 to ${max}`);
  return limit;
}

function listParam(event: APIGatewayProxyEventV2, name: string): string[] {
  const raw = event.queryStringParameters?.[name];
  if (!raw) return [];
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

async function inBatches<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, items.length) }, worker));
  return out;
}

function asHttpError(err: unknown): unknown {
  if (err instanceof DashboardError)
    return new HttpError(400, 'INVALID_DASHBOARD', err.message, {}, { path: err.path });
  if (err instanceof InvalidPartitionValueError) return invalidRequest(err.message);
  if (err instanceof ModelVersionError) return new HttpError(500, 'INTERNAL_ERROR', err.message);
  return err;
}

export interface ModelVersionSummary {
  model: ModelVersion;
  latest: RunSummary | null;
  /** Open incidents; null when the alert state could not be read. */
  open_alerts: number | null;
}

export function makeHandler(deps: ConsoleDeps): HttpApiHandler {
  const logError = deps.logError ?? ((message, err) => console.error(message, err));
  const ttl = deps.digestTtlMs ?? 30_000;
  const digests = new Map<string, { digest: RunDigest | null; at: number }>();

  async function digestOf(key: string): Promise<RunDigest | null> {
    const hit = digests.get(key);
    if (hit && deps.now() - hit.at < ttl) return hit.digest;
    const bytes = await deps.store.getObject(key);
    const report = bytes ? parseReport(bytes) : null;
    const digest = report ? digestReport(key, report) : null;
    if (digests.size >= MAX_DIGESTS) digests.delete(digests.keys().next().value as string);
    digests.set(key, { digest, at: deps.now() });
    return digest;
  }

  async function requireModel(name: string, version: string, runKeys: string[]): Promise<void> {
    if (runKeys.length > 0) return;
    if (!(await readModelVersion(deps.store, name, version)))
      throw new HttpError(404, 'MODEL_NOT_FOUND', `no model version ${name}@${version}`);
  }

  async function alertsOf(name: string, version: string): Promise<OpenAlert[]> {
    const key = alertStateKey(name, version);
    const bytes = await deps.store.getObject(key);
    return openAlerts(bytes ? decodeAlertState(bytes, key) : null);
  }

  async function listRuns(event: APIGatewayProxyEventV2, p: Params): Promise<HttpResult> {
    const limit = limitOf(event, 50, 500);
    const cursor = event.queryStringParameters?.cursor ?? null;
    if (cursor !== null && !isRunId(cursor)) throw invalidRequest('cursor must be a run id from next_cursor');
    const keys = await listRunKeys(deps.store, p.name, p.version);
    await requireModel(p.name, p.version, keys);
    const page = pageOf(keys, cursor, limit);
    const runs = (await inBatches(page.keys, digestOf)).filter((d) => d !== null).map((d) => d.summary);
    return jsonResponse(200, { runs, total: keys.length, next_cursor: page.nextCursor });
  }

  async function getRun(_event: APIGatewayProxyEventV2, p: Params): Promise<HttpResult> {
    if (!isRunId(p.run))
      throw invalidRequest(`run must be a window-end stamp like 2026-11-28T00-00-00.000Z, got ${p.run}`);
    const bytes = await deps.store.getObject(runKey(p.name, p.version, p.run));
    if (!bytes || !parseReport(bytes))
      throw new HttpError(404, 'RUN_NOT_FOUND', `no run ${p.run} of ${p.name}@${p.version}`);
    // Served as stored: the report is already JSON.
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: new TextDecoder().decode(bytes),
    };
  }

  async function getSeries(event: APIGatewayProxyEventV2, p: Params): Promise<HttpResult> {
    const limit = limitOf(event, 90, 1000);
    const checks = listParam(event, 'checks');
    const metrics = listParam(event, 'metrics');
    if (checks.length === 0 && metrics.length === 0)
      throw invalidRequest('name at least one of ?checks=a,b or ?metrics=key,prefix.*');
    const keys = await listRunKeys(deps.store, p.name, p.version);
    await requireModel(p.name, p.version, keys);
    const newest = keys.slice(0, limit).reverse();
    const loaded = (await inBatches(newest, digestOf)).filter((d) => d !== null);
    return jsonResponse(200, buildSeries(loaded, { checks, metrics }));
  }

  async function getAlerts(_event: APIGatewayProxyEventV2, p: Params): Promise<HttpResult> {
    const keys = await listRunKeys(deps.store, p.name, p.version);
    await requireModel(p.name, p.version, keys);
    return jsonResponse(200, { alerts: await alertsOf(p.name, p.version) });
  }

  async function consoleModels(event: APIGatewayProxyEventV2): Promise<HttpResult> {
    const limit = limitOf(event, 100, 1000);
    const page = await listModelVersions(deps.store, {
      cursor: event.queryStringParameters?.cursor ?? null,
      limit,
    });
    const models = await inBatches(page.models, async (model): Promise<ModelVersionSummary> => {
      const keys = await listRunKeys(deps.store, model.name, model.version);
      const latest = keys.length > 0 ? await digestOf(keys[0]) : null;
      let open: number | null;
      try {
        open = (await alertsOf(model.name, model.version)).length;
      } catch (err) {
        logError(`alert state of ${model.name}@${model.version} is unreadable`, err);
        open = null;
      }
      return { model, latest: latest?.summary ?? null, open_alerts: open };
    });
    return jsonResponse(200, { models, next_cursor: page.nextCursor });
  }

  async function readDashboard(id: string): Promise<Dashboard | null> {
    const bytes = await deps.store.getObject(dashboardKey(id));
    if (!bytes) return null;
    const key = dashboardKey(id);
    let raw: Partial<Dashboard>;
    try {
      raw = JSON.parse(new TextDecoder().decode(bytes)) as Partial<Dashboard>;
    } catch {
      throw new HttpError(
        500,
        'INVALID_DASHBOARD',
        `${key} is not valid JSON; fix the file or PUT the dashboard again`,
      );
    }
    // Re-validated on read: the file is editable as code, and a broken edit must name its place.
    try {
      const parsed = parseDashboard(raw, id, new Date(0));
      return { ...parsed, updated_at: typeof raw.updated_at === 'string' ? raw.updated_at : null };
    } catch (err) {
      if (!(err instanceof DashboardError)) throw err;
      throw new HttpError(
        500,
        'INVALID_DASHBOARD',
        `${key}: ${err.message}; fix the file or PUT the dashboard again`,
      );
    }
  }

  async function listDashboards(event: APIGatewayProxyEventV2): Promise<HttpResult> {
    const limit = limitOf(event, 100, 1000);
    const cursor = event.queryStringParameters?.cursor ?? null;
    const ids = (await deps.store.list(DASHBOARDS_PREFIX))
      .filter((k) => k.endsWith('.json'))
      .map((k) => k.slice(DASHBOARDS_PREFIX.length, -'.json'.length))
      .filter(isDashboardId)
      .sort();
    const start = cursor ? ids.findIndex((id) => id > cursor) : 0;
    const page = start < 0 ? [] : ids.slice(start, start + limit);
    // One broken file is listed with its error instead of hiding every other dashboard.
    const read = (id: string) =>
      readDashboard(id).then(
        (d) => (d ? { id: d.id, title: d.title, widgets: d.widgets.length, updated_at: d.updated_at } : null),
        (err: unknown) => {
          if (!(err instanceof HttpError)) throw err;
          return { id, title: id, widgets: 0, updated_at: null, error: err.message };
        },
      );
    const dashboards = (await inBatches(page, read)).filter((d) => d !== null);
    const more = start >= 0 && start + limit < ids.length;
    return jsonResponse(200, { dashboards, next_cursor: more ? (page.at(-1) ?? null) : null });
  }

  async function getDashboard(_event: APIGatewayProxyEventV2, p: Params): Promise<HttpResult> {
    if (!isDashboardId(p.id)) throw invalidRequest(`dashboard id ${p.id} is not valid`);
    const saved = await readDashboard(p.id);
    if (saved) return jsonResponse(200, { ...saved, default: false });
    const ref = parseDefaultDashboardId(p.id);
    if (ref && (await readModelVersion(deps.store, ref.name, ref.version)))
      return jsonResponse(200, { ...defaultDashboard(ref.name, ref.version), default: true });
    throw new HttpError(404, 'DASHBOARD_NOT_FOUND', `no dashboard ${p.id}`);
  }

  async function putDashboard(event: APIGatewayProxyEventV2, p: Params): Promise<HttpResult> {
    const body = readJsonBody(event, MAX_DASHBOARD_BYTES);
    const dashboard = parseDashboard(body, p.id, new Date(deps.now()));
    const existed = (await deps.store.getObject(dashboardKey(p.id))) !== null;
    await deps.store.putObject(
      dashboardKey(p.id),
      `${JSON.stringify(dashboard, null, 2)}\n`,
      'application/json',
    );
    return jsonResponse(existed ? 200 : 201, { ...dashboard, default: false });
  }

  function route(path: string, method: string): { route: Route; params: Params } {
    const p = trim(path);
    let byMethod: Partial<Record<string, Route>> | undefined;
    let params: Params = {};
    const version = VERSION_PATH.exec(p);
    const dash = DASHBOARD_PATH.exec(p);
    if (p === '/console/models') byMethod = { GET: consoleModels };
    else if (p === '/dashboards') byMethod = { GET: listDashboards };
    else if (dash) {
      byMethod = { GET: getDashboard, PUT: putDashboard };
      params = { id: decodeURIComponent(dash[1]) };
    } else if (version) {
      params = { name: decodeURIComponent(version[1]), version: decodeURIComponent(version[2]) };
      const [, , , what, run] = version;
      if (what === 'runs' && run !== undefined) {
        byMethod = { GET: getRun };
        params.run = decodeURIComponent(run);
      } else if (run === undefined)
        byMethod = { GET: what === 'runs' ? listRuns : what === 'series' ? getSeries : getAlerts };
    }
    if (!byMethod) throw new HttpError(404, 'NOT_FOUND', `no route for ${path}`);
    const found = byMethod[method];
    if (!found) {
      const allow = Object.keys(byMethod).join(', ');
      throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${p}; use ${allow}`, {
        allow,
      });
    }
    return { route: found, params };
  }

  return async (event) => {
    try {
      const method = (event.requestContext?.http?.method ?? 'GET').toUpperCase();
      const path = event.rawPath ?? event.requestContext?.http?.path ?? '/';
      const { route: handle, params } = route(path, method);
      return await handle(event, params);
    } catch (err) {
      const mapped = asHttpError(err);
      if (!(mapped instanceof HttpError) || mapped.status >= 500)
        logError('error in the console handler', err);
      return errorResponse(mapped);
    }
  };
}
