import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalStore } from '../../../functions/adapters/local-store.ts';
import { makeHandler } from '../../../functions/console/make-handler.ts';
import type { AlertState } from '../../../functions/lib/alerts/types.ts';
import { parseModelVersion } from '../../../functions/lib/models/model-version.ts';
import { declareModelVersion } from '../../../functions/lib/models/registry.ts';
import { reportKeys } from '../../../functions/lib/monitor/keys.ts';
import type { MonitorReport } from '../../../functions/lib/monitor/types.ts';
import type { RecordStore } from '../../../functions/lib/records/store.ts';
import { makeReport } from '../../fixtures/report/synthetic.ts';

const NOW = Date.parse('2026-12-01T12:00:00.000Z');
const DAY = 86_400_000;
const MODEL = { name: 'sst2-sentiment', version: '2026.11.1' };

function event(
  method: string,
  path: string,
  query?: Record<string, string>,
  body?: unknown,
): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: new URLSearchParams(query ?? {}).toString(),
    queryStringParameters: query,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: { http: { method, path }, requestId: 'r1' } as APIGatewayProxyEventV2['requestContext'],
  } as APIGatewayProxyEventV2;
}

let dir: string;
let store: RecordStore;
let reports: MonitorReport[];
const handler = () => makeHandler({ store, now: () => NOW, logError: () => {} });
const call = async (method: string, path: string, query?: Record<string, string>, body?: unknown) => {
  const res = await handler()(event(method, path, query, body));
  return { status: res.statusCode, body: JSON.parse(res.body) };
};

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-console-api-'));
  store = createLocalStore(dir);
  await declareModelVersion(
    store,
    parseModelVersion(
      {
        labels: ['NEGATIVE', 'POSITIVE'],
        embedding_dim: 8,
        text: true,
        score: true,
        probabilities: false,
        fields: [],
      },
      { ...MODEL, now: new Date(NOW - 30 * DAY), origin: 'logged' },
    ),
  );
  // Five daily runs, drifting more each day; the third has a segment finding.
  reports = Array.from({ length: 5 }, (_, i) =>
    makeReport({ end: new Date(Date.parse('2026-11-27T00:00:00.000Z') + i * DAY), drift: i * 0.2 }),
  );
  reports[2].findings.push({
    ...reports[2].findings[0],
    check: 'embedding_drift.mmd[language=de]',
    value: 0.3,
  });
  for (const r of reports) {
    await store.putObject(reportKeys(MODEL.name, MODEL.version, r.window.end).json, JSON.stringify(r));
  }
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('GET /models/{m}/versions/{v}/runs', () => {
  it('pages through runs newest first with each run summary', async () => {
    const first = await call('GET', `/models/${MODEL.name}/versions/${MODEL.version}/runs`, { limit: '2' });
    expect(first.status).toBe(200);
    expect(first.body.total).toBe(5);
    expect(first.body.runs.map((r: { run: string }) => r.run)).toEqual([
      '2026-12-01T00-00-00.000Z',
      '2026-11-30T00-00-00.000Z',
    ]);
    expect(first.body.runs[0]).toEqual({
      run: '2026-12-01T00-00-00.000Z',
      window: reports[4].window,
      run_at: reports[4].runAt,
      worst: reports[4].summary.worst,
      counts: reports[4].summary.counts,
      volume: reports[4].metrics['volume.current'],
    });
    const second = await call('GET', `/models/${MODEL.name}/versions/${MODEL.version}/runs`, {
      limit: '2',
      cursor: first.body.next_cursor,
    });
    const third = await call('GET', `/models/${MODEL.name}/versions/${MODEL.version}/runs`, {
      limit: '2',
      cursor: second.body.next_cursor,
    });
    expect(second.body.runs.map((r: { run: string }) => r.run)).toEqual([
      '2026-11-29T00-00-00.000Z',
      '2026-11-28T00-00-00.000Z',
    ]);
    expect(third.body.runs.map((r: { run: string }) => r.run)).toEqual(['2026-11-27T00-00-00.000Z']);
    expect(third.body.next_cursor).toBeNull();
  });

  it('answers 404 MODEL_NOT_FOUND for an unknown version and 400 for a bad limit or cursor', async () => {
    const missing = await call('GET', '/models/nope/versions/1/runs');
    expect(missing).toMatchObject({ status: 404, body: { error: { code: 'MODEL_NOT_FOUND' } } });
    const limit = await call('GET', `/models/${MODEL.name}/versions/${MODEL.version}/runs`, { limit: '0' });
    expect(limit).toMatchObject({ status: 400, body: { error: { code: 'INVALID_REQUEST' } } });
    const cursor = await call('GET', `/models/${MODEL.name}/versions/${MODEL.version}/runs`, {
      cursor: '../x',
    });
    expect(cursor).toMatchObject({ status: 400, body: { error: { code: 'INVALID_REQUEST' } } });
    const name = await call('GET', '/models/bad%2Fname/versions/1/runs');
    expect(name).toMatchObject({ status: 400, body: { error: { code: 'INVALID_REQUEST' } } });
  });
});

describe('GET …/runs/{run}', () => {
  it('returns the stored report, and 404 RUN_NOT_FOUND / 400 for a missing or malformed run id', async () => {
    const ok = await call(
      'GET',
      `/models/${MODEL.name}/versions/${MODEL.version}/runs/2026-11-29T00-00-00.000Z`,
    );
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual(JSON.parse(JSON.stringify(reports[2])));
    const missing = await call(
      'GET',
      `/models/${MODEL.name}/versions/${MODEL.version}/runs/2020-01-01T00-00-00.000Z`,
    );
    expect(missing).toMatchObject({ status: 404, body: { error: { code: 'RUN_NOT_FOUND' } } });
    const bad = await call('GET', `/models/${MODEL.name}/versions/${MODEL.version}/runs/latest`);
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'INVALID_REQUEST' } } });
  });
});

describe('GET …/series', () => {
  it('gives a check and its segments over runs, oldest first, with gaps as null', async () => {
    const res = await call('GET', `/models/${MODEL.name}/versions/${MODEL.version}/series`, {
      checks: 'embedding_drift.mmd',
      metrics: 'label_share.*,performance.accuracy',
    });
    expect(res.status).toBe(200);
    expect(res.body.runs.map((r: { window_end: string }) => r.window_end)).toEqual(
      reports.map((r) => r.window.end),
    );
    expect(Object.keys(res.body.findings)).toEqual([
      'embedding_drift.mmd',
      'embedding_drift.mmd[language=de]',
    ]);
    expect(res.body.findings['embedding_drift.mmd'].map((p: { value: number }) => p.value)).toEqual(
      reports.map((r) => r.findings[0].value),
    );
    expect(res.body.findings['embedding_drift.mmd[language=de]'].map((p: unknown) => p !== null)).toEqual([
      false,
      false,
      true,
      false,
      false,
    ]);
    expect(Object.keys(res.body.metrics).sort()).toEqual([
      'label_share.NEGATIVE',
      'label_share.POSITIVE',
      'performance.accuracy',
    ]);
    expect(res.body.metrics['performance.accuracy']).toEqual(
      reports.map((r) => r.metrics['performance.accuracy']),
    );
    const none = await call('GET', `/models/${MODEL.name}/versions/${MODEL.version}/series`);
    expect(none).toMatchObject({ status: 400, body: { error: { code: 'INVALID_REQUEST' } } });
  });
});

describe('GET /console/models and …/alerts', () => {
  it('summarises each model version with its latest run and open alerts', async () => {
    const state: AlertState = {
      schemaVersion: 1,
      model: MODEL,
      lastWindowEnd: reports[4].window.end,
      checks: {
        'embedding_drift.mmd': {
          verdict: 'alert',
          since: reports[3].window.end,
          lastNotifiedAt: reports[4].window.end,
          lastSeverity: 'alert',
          openedAt: reports[3].window.end,
          lastWindowEnd: reports[4].window.end,
        },
        'integrity.empty_text': {
          verdict: 'ok',
          since: reports[0].window.end,
          lastNotifiedAt: null,
          lastSeverity: null,
          openedAt: null,
          lastWindowEnd: reports[4].window.end,
        },
      },
      outbox: [],
    };
    await store.putObject(
      `state/model=${MODEL.name}/version=${MODEL.version}/alerts.json`,
      JSON.stringify(state),
    );
    const res = await call('GET', '/console/models');
    expect(res.status).toBe(200);
    expect(res.body.models).toHaveLength(1);
    expect(res.body.models[0].model).toMatchObject({ ...MODEL, origin: 'logged' });
    expect(res.body.models[0].latest).toMatchObject({
      run: '2026-12-01T00-00-00.000Z',
      worst: reports[4].summary.worst,
    });
    expect(res.body.models[0].open_alerts).toBe(1);
    const alerts = await call('GET', `/models/${MODEL.name}/versions/${MODEL.version}/alerts`);
    expect(alerts.body.alerts).toEqual([
      {
        check: 'embedding_drift.mmd',
        severity: 'alert',
        verdict: 'alert',
        opened_at: reports[3].window.end,
        last_notified_at: reports[4].window.end,
        last_window_end: reports[4].window.end,
      },
    ]);
  });
});

describe('dashboards', () => {
  const widget = {
    id: 'a',
    kind: 'metric',
    title: 'p',
    x: 0,
    y: 0,
    w: 6,
    h: 4,
    model: MODEL,
    checks: ['embedding_drift.mmd'],
  };

  it('serves a default per model version, stores a PUT, and lists saved ones', async () => {
    const id = `${MODEL.name}@${MODEL.version}`;
    const def = await call('GET', `/dashboards/${encodeURIComponent(id)}`);
    expect(def.status).toBe(200);
    expect(def.body.default).toBe(true);
    expect(def.body.widgets.map((w: { kind: string }) => w.kind)).toEqual([
      'metric',
      'label_shares',
      'findings',
    ]);
    const put = await call('PUT', '/dashboards/team', undefined, { title: '<b>Team</b>', widgets: [widget] });
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({
      id: 'team',
      title: '<b>Team</b>',
      updated_at: new Date(NOW).toISOString(),
    });
    const again = await call('PUT', '/dashboards/team', undefined, {
      title: 'Team',
      widgets: [{ ...widget, x: 6 }],
    });
    expect(again.status).toBe(200);
    const got = await call('GET', '/dashboards/team');
    expect(got.body.widgets[0]).toEqual({ ...widget, x: 6, stat: 'value' });
    const list = await call('GET', '/dashboards');
    expect(list.body).toEqual({
      dashboards: [{ id: 'team', title: 'Team', widgets: 1, updated_at: new Date(NOW).toISOString() }],
      next_cursor: null,
    });
    const missing = await call('GET', '/dashboards/nobody');
    expect(missing).toMatchObject({ status: 404, body: { error: { code: 'DASHBOARD_NOT_FOUND' } } });
  });

  it('refuses a bad layout with 400 INVALID_DASHBOARD naming the widget', async () => {
    const cases: [unknown, string][] = [
      [{ widgets: [widget, widget] }, 'widgets[1].id: a is used twice'],
      [
        { widgets: [widget, { ...widget, id: 'b' }, { ...widget, id: 'c', w: 13 }] },
        'widgets[2].w: must be 1-12',
      ],
      [{ widgets: [{ ...widget, x: 8, w: 6 }] }, 'widgets[0].w: x + w must be at most 12'],
      [
        { widgets: [{ ...widget, kind: 'pie' }] },
        'widgets[0].kind: must be one of metric, label_shares, findings, characteristic_words, projector',
      ],
      [{ widgets: [{ ...widget, checks: [] }] }, 'widgets[0].checks: must list 1-20 check ids'],
      [
        { widgets: [{ ...widget, model: { name: '../x', version: '1' } }] },
        'widgets[0].model.name: must be a declared model name or version',
      ],
      [{ widgets: 'no' }, 'widgets: must be a list'],
    ];
    for (const [body, message] of cases) {
      const res = await call('PUT', '/dashboards/team', undefined, body);
      expect(res).toEqual({
        status: 400,
        body: { error: { code: 'INVALID_DASHBOARD', message, path: message.split(':')[0] } },
      });
    }
    const json = await call('PUT', '/dashboards/team', undefined, '{not json');
    expect(json).toMatchObject({ status: 400, body: { error: { code: 'INVALID_JSON' } } });
    const id = await call('PUT', '/dashboards/..%2Fescape', undefined, { widgets: [] });
    expect(id).toMatchObject({ status: 400, body: { error: { code: 'INVALID_DASHBOARD' } } });
    expect(await store.list('dashboards/')).toEqual([]);
  });

  it('names the place of a hand-edited dashboard file that no longer validates', async () => {
    await store.putObject(
      'dashboards/edited.json',
      JSON.stringify({ title: 'x', widgets: [{ ...widget, h: 0 }] }),
    );
    const res = await call('GET', '/dashboards/edited');
    expect(res).toEqual({
      status: 500,
      body: {
        error: {
          code: 'INVALID_DASHBOARD',
          message:
            'dashboards/edited.json: widgets[0].h: must be 1-24; fix the file or PUT the dashboard again',
        },
      },
    });
    await store.putObject('dashboards/broken.json', '{');
    const broken = await call('GET', '/dashboards/broken');
    expect(broken).toMatchObject({ status: 500, body: { error: { code: 'INVALID_DASHBOARD' } } });
    const list = await call('GET', '/dashboards');
    expect(list.status).toBe(200);
    expect(
      list.body.dashboards.map((d: { id: string; error?: string }) => [d.id, d.error?.slice(0, 22)]),
    ).toEqual([
      ['broken', 'dashboards/broken.json'],
      ['edited', 'dashboards/edited.json'],
    ]);
  });

  it('answers 405 with Allow for a method a route does not take', async () => {
    const res = await handler()(event('DELETE', '/dashboards/team'));
    expect(res.statusCode).toBe(405);
    expect(res.headers?.allow).toBe('GET, PUT');
  });
});
