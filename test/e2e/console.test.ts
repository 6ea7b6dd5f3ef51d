/**
 * The console in real headless Chromium against `vigil serve` on a data dir with two monitored model
 * versions (plus the served one): models page, a model version, a check's history, the projector's
 * box selection, a dashboard arranged, saved and reloaded, and hostile text inert throughout.
 */
import { mkdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalStore } from '../../functions/adapters/local-store.ts';
import { launchBrowser } from './helpers/browser.ts';
import { CONSOLE_MODELS, writeConsoleData, XSS_FIELD, XSS_LABEL, XSS_TEXT } from './helpers/console-data.ts';
import { type ServeProcess, startServeProcess } from './helpers/vigil-serve.ts';

const SHOTS = 'test-results/console';
const HOSTILE_TITLE = '<img src=x onerror=alert(5)>Team';

declare const vigilEcharts: {
  getInstanceByDom(el: Element): {
    getOption(): {
      series: {
        name: string;
        data: number[][] | (number | null)[];
        markLine?: { data: { yAxis: number }[] };
      }[];
    };
    convertToPixel(finder: { seriesIndex: number }, value: number[]): number[];
  } | null;
};

describe('the console in headless Chromium', () => {
  let dir: string;
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const dialogs: string[] = [];
  const foreign: string[] = [];

  /** Navigates within the app and waits for the page to say it has rendered. */
  async function open(hash: string, pageName: string) {
    await page.evaluate(() => document.body.removeAttribute('data-rendered'));
    await page.goto(`${serve.url}/${hash}`);
    await page.waitForSelector(`body[data-rendered="true"][data-page="${pageName}"]`, { timeout: 30_000 });
  }

  /** Nothing hostile became an element, anywhere on the current page. */
  async function assertInert() {
    const injected = await page.evaluate(() => ({
      img: document.querySelectorAll('img').length,
      svgOnload: document.querySelectorAll('svg[onload]').length,
      onerror: document.querySelectorAll('[onerror]').length,
      scripts: Array.from(document.scripts).filter((s) => !s.src).length,
    }));
    expect(injected).toEqual({ img: 0, svgOnload: 0, onerror: 0, scripts: 0 });
    expect(dialogs).toEqual([]);
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-console-'));
    await writeConsoleData(createLocalStore(dir));
    serve = await startServeProcess(['--data-dir', dir]);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 950 } });
    const origin = new URL(serve.url).origin;
    // The tests provoke 404 (a new dashboard) and 400 (a bad layout) on purpose; 5xx never.
    page.on('console', (m) => {
      const text = m.text();
      if (
        /Content Security Policy/i.test(text) ||
        (m.type() === 'error' && !/^Failed to load resource/.test(text))
      )
        problems.push(text);
    });
    page.on('response', (r) => {
      if (r.status() >= 500) problems.push(`${r.status()} ${r.url()}`);
    });
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('request', (r) => {
      if (new URL(r.url()).origin !== origin) foreign.push(r.url());
    });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    mkdirSync(SHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('serves the app at / with a policy that allows only its own origin', async () => {
    const res = await fetch(`${serve.url}/`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    expect(await res.text()).toContain('<div id="app"');
    // The static report keeps its own route (no report of the served model yet).
    const old = await fetch(`${serve.url}/dashboard`);
    expect(old.status).toBe(404);
    expect(((await old.json()) as { error: { code: string } }).error.code).toBe('REPORT_NOT_FOUND');
  });

  it('lists every model version with its latest verdict, volume and last run', async () => {
    await open('', 'models');
    const rows = await page.$$eval('#models-table tbody tr', (trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent ?? '')),
    );
    // Two monitored versions and the model vigil serve declared for itself.
    expect(rows).toHaveLength(3);
    const reviews = rows.find((r) => r[0] === 'reviews-minilm');
    // Six alerts of the drifted window, and the new-text neighbour test (a third of its texts use new words).
    expect(reviews?.slice(1, 7)).toEqual(['3', 'logged', 'alert', '240', '2026-11-28 00:00 UTC', '7']);
    const served = rows.find((r) => r[2] === 'served');
    expect(served?.[3]).toBe('no runs');
    expect(await page.textContent('.summary')).toMatch(/3 model versions/);
    await page.screenshot({ path: `${SHOTS}/models.png`, fullPage: true });
    await assertInert();
  });

  it('shows a model version: runs coloured by verdict, open alerts, findings and segments', async () => {
    await page.click('a.model-link:text-is("reviews-minilm")');
    await page.waitForSelector('body[data-rendered="true"][data-page="model-version"]');
    await page.waitForSelector('#findings-table');
    const verdicts = await page.$$eval('.run-cell', (els) => els.map((e) => e.getAttribute('data-verdict')));
    expect(verdicts).toHaveLength(CONSOLE_MODELS[0].runs);
    expect(verdicts[0]).not.toBe('alert');
    expect(verdicts.at(-1)).toBe('alert');
    const colours = await page.$$eval('.run-cell', (els) =>
      els.map((e) => getComputedStyle(e).backgroundColor),
    );
    expect(new Set(colours).size).toBeGreaterThan(1);
    expect(await page.textContent('#alerts-table')).toContain('embedding_drift.mmd');
    const segments = await page.textContent('#segments-table');
    expect(segments).toContain(`embedding_drift.mmd[language=${XSS_FIELD}]`);
    expect(segments).toContain('embedding_drift.mmd[language=en]');
    // An older run is one click away.
    await page.click('.run-cell >> nth=0');
    await page.waitForFunction(
      () => document.querySelector('.run-cell.selected')?.getAttribute('data-verdict') !== 'alert',
    );
    await page.click('.run-cell >> nth=-1');
    await page.waitForSelector('#segments-table');
    await page.screenshot({ path: `${SHOTS}/model-version.png`, fullPage: true });
    await assertInert();
  });

  it("opens a check's history: value and p-value per segment with the thresholds drawn", async () => {
    await page.click('#findings-table a:text-is("embedding_drift.mmd")');
    await page.waitForSelector('body[data-rendered="true"][data-page="check"]');
    const p = await page.$eval('#check-p-chart', (el) => vigilEcharts.getInstanceByDom(el)?.getOption());
    const names = p?.series.map((s) => s.name) ?? [];
    expect(names[0]).toBe('embedding_drift.mmd');
    expect(names).toContain('embedding_drift.mmd[language=en]');
    expect(names).toContain(`embedding_drift.mmd[language=${XSS_FIELD}]`);
    // One p-value per run, and the check's warning/alert levels as lines.
    expect(p?.series[0].data).toHaveLength(CONSOLE_MODELS[0].runs);
    expect(p?.series[0].markLine?.data.map((d) => d.yAxis)).toEqual([0.05, 0.01]);
    const last = ((p?.series[0].data ?? []) as number[]).at(-1) as number;
    expect(last).toBeLessThan(0.01);
    const rows = await page.$$eval('#segment-table tbody tr', (trs) =>
      trs.map((tr) => tr.firstChild?.textContent),
    );
    expect(rows).toContain(`embedding_drift.mmd[language=${XSS_FIELD}]`);
    const canvas = await page.$eval('#check-value-chart canvas', (c) => (c as HTMLCanvasElement).width);
    expect(canvas).toBeGreaterThan(200);
    await page.screenshot({ path: `${SHOTS}/check.png`, fullPage: true });
    await assertInert();
  });

  it('selects points in the projector with a box and lists their texts, labels and scores', async () => {
    await page.goBack();
    await page.waitForSelector('#projector-link');
    await page.click('#projector-link');
    await page.waitForSelector('body[data-rendered="true"][data-page="projector"]');
    await page.locator('#projector-chart').scrollIntoViewIfNeeded();
    // Locate every point on screen through the chart, to know what a box around the hostile one selects.
    const pixels = await page.$eval('#projector-chart', (el) => {
      const chart = vigilEcharts.getInstanceByDom(el);
      const rect = el.getBoundingClientRect();
      const series = chart?.getOption().series as { data: number[][] }[];
      return series.flatMap((s, si) =>
        s.data.map((d) => {
          const [x, y] = chart?.convertToPixel({ seriesIndex: si }, [d[0], d[1]]) ?? [0, 0];
          return { x: rect.left + x, y: rect.top + y, index: d[2] };
        }),
      );
    });
    const report = JSON.parse(
      await readFile(
        join(dir, 'reports/model=reviews-minilm/version=3/2026-11-28T00-00-00.000Z.json'),
        'utf8',
      ),
    ) as { projector: { points: { text: string; label: string; score: number }[] } };
    const hostile = report.projector.points.findIndex((p) => p.text === XSS_TEXT);
    expect(hostile).toBeGreaterThanOrEqual(0);
    const at = pixels.find((p) => p.index === hostile);
    if (!at) throw new Error('hostile point not plotted');
    const box = { x0: at.x - 30, y0: at.y - 30, x1: at.x + 30, y1: at.y + 30 };
    // Points within 3 px of the box edge may fall either way.
    const within = (m: number) =>
      pixels.filter((p) => p.x >= box.x0 - m && p.x <= box.x1 + m && p.y >= box.y0 - m && p.y <= box.y1 + m);
    const inside = within(-3);
    const near = within(3);
    await page.mouse.move(box.x0, box.y0);
    await page.mouse.down();
    await page.mouse.move((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2, { steps: 5 });
    await page.mouse.move(box.x1, box.y1, { steps: 5 });
    await page.mouse.up();
    await page.waitForSelector('#selection-table');
    const rows = () =>
      page.$$eval('#selection-table tbody tr', (trs) =>
        trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent ?? '')),
      );
    // Every point well inside the box is listed (the list settles once the drag ends), nothing from outside.
    const missing = async () => {
      const texts = new Set((await rows()).map((row) => row[0]));
      return inside.filter((p) => !texts.has(report.projector.points[p.index].text)).length;
    };
    await expect.poll(missing, { timeout: 10_000 }).toBe(0);
    const listed = await rows();
    const nearTexts = new Set(near.map((p) => report.projector.points[p.index].text));
    expect(listed.filter((row) => !nearTexts.has(row[0]))).toEqual([]);
    expect(listed.length).toBeGreaterThanOrEqual(inside.length);
    expect(listed.length).toBeLessThanOrEqual(near.length);
    const row = listed.find((r) => r[0] === XSS_TEXT);
    expect(row).toBeDefined();
    const point = report.projector.points[hostile];
    expect(row?.slice(1, 3)).toEqual([point.label, String(Number(point.score.toFixed(3)))]);
    expect(await page.textContent('#selection-count')).toBe(`${listed.length} points selected`);
    expect(await page.$$eval('#clusters-table .ratio', (els) => els.length)).toBeGreaterThan(0);
    // The run scored novelty, so points are coloured by it.
    expect(await page.$eval('#colouring', (s) => (s as HTMLSelectElement).value)).toBe('novelty');
    // Hovering the hostile point shows its text in the tooltip, as text.
    await page.mouse.move(at.x, at.y);
    await page.waitForFunction(
      (text) => Array.from(document.querySelectorAll('.tip')).some((t) => t.textContent?.includes(text)),
      XSS_TEXT,
    );
    await page.screenshot({ path: `${SHOTS}/projector.png`, fullPage: true });
    await assertInert();
  });

  it('adds two widgets to a dashboard, drags one, and finds the layout as it was after a reload', async () => {
    await open('#/d/team-overview', 'dashboard');
    await page.fill('#dashboard-title', HOSTILE_TITLE);
    await page.press('#dashboard-title', 'Enter');
    await page.locator('#dashboard-title').blur();
    await page.selectOption('#widget-kind', 'metric');
    await page.selectOption('#widget-model', 'reviews-minilm@3');
    await page.fill('#widget-checks', 'embedding_drift.mmd, embedding_drift.mmd[language=en]');
    await page.selectOption('#widget-stat', 'p_value');
    await page.click('#add-widget-button');
    await page.selectOption('#widget-kind', 'label_shares');
    await page.selectOption('#widget-model', 'tickets-bert@1');
    await page.click('#add-widget-button');
    await page.waitForFunction(() => document.querySelectorAll('.grid-stack-item').length === 2);
    await page.waitForFunction(() =>
      /^Saved/.test(document.getElementById('save-status')?.textContent ?? ''),
    );
    const layout = () =>
      page.$$eval('.grid-stack-item', (els) =>
        els
          .map((e) => ({
            id: e.getAttribute('gs-id'),
            kind: e.getAttribute('data-kind'),
            x: Number(e.getAttribute('gs-x') ?? 0),
            y: Number(e.getAttribute('gs-y') ?? 0),
            w: Number(e.getAttribute('gs-w') ?? 1),
            h: Number(e.getAttribute('gs-h') ?? 1),
          }))
          .sort((a, b) => String(a.kind).localeCompare(String(b.kind))),
      );
    const before = await layout();
    const metric = before.find((w) => w.kind === 'metric');
    expect(metric).toMatchObject({ x: 0, y: 0, w: 6, h: 4 });
    // Drag the metric widget by its header two rows below everything.
    const head = page.locator('.grid-stack-item[data-kind="metric"] .widget-head');
    const hb = await head.boundingBox();
    const grid = await page.locator('#grid').boundingBox();
    if (!hb || !grid) throw new Error('no boxes');
    await page.mouse.move(hb.x + 40, hb.y + hb.height / 2);
    await page.mouse.down();
    const targetX = grid.x + grid.width / 2 + 40;
    const targetY = hb.y + 4 * 76 + hb.height / 2 + 10;
    await page.mouse.move(hb.x + 60, hb.y + 20, { steps: 4 });
    await page.mouse.move(targetX, targetY, { steps: 12 });
    await page.mouse.up();
    await page.waitForFunction(() =>
      /^Saved/.test(document.getElementById('save-status')?.textContent ?? ''),
    );
    const moved = await layout();
    const movedMetric = moved.find((w) => w.kind === 'metric');
    expect(movedMetric).not.toEqual(metric);
    // Wait until what is stored is what is shown, then reload.
    await expect
      .poll(async () => {
        const saved = JSON.parse(await readFile(join(dir, 'dashboards/team-overview.json'), 'utf8'));
        const w = saved.widgets.find((w: { kind: string }) => w.kind === 'metric');
        return [w?.x, w?.y];
      })
      .toEqual([movedMetric?.x, movedMetric?.y]);
    await page.reload();
    await page.waitForSelector('body[data-rendered="true"][data-page="dashboard"]');
    await page.waitForFunction(() => document.querySelectorAll('.grid-stack-item').length === 2);
    expect(await layout()).toEqual(moved);
    expect(await page.inputValue('#dashboard-title')).toBe(HOSTILE_TITLE);
    await page.waitForFunction(() => document.querySelectorAll('.grid-stack-item canvas').length >= 2);
    const stored = JSON.parse(await readFile(join(dir, 'dashboards/team-overview.json'), 'utf8'));
    expect(stored.title).toBe(HOSTILE_TITLE);
    expect(stored.widgets.find((w: { kind: string }) => w.kind === 'metric').checks).toEqual([
      'embedding_drift.mmd',
      'embedding_drift.mmd[language=en]',
    ]);
    await page.screenshot({ path: `${SHOTS}/dashboard.png`, fullPage: true });
    await assertInert();
  });

  it('edits a dashboard as code and names the widget of a bad layout', async () => {
    await page.click('#toggle-code');
    const code = JSON.parse(await page.inputValue('#dashboard-code'));
    code.widgets[1].w = 13;
    await page.fill('#dashboard-code', JSON.stringify(code, null, 2));
    await page.click('#apply-code');
    await expect.poll(() => page.textContent('#code-error')).toBe('widgets[1].w: must be 1-12');
    code.widgets[1].w = 12;
    code.widgets[1].x = 0;
    await page.fill('#dashboard-code', JSON.stringify(code, null, 2));
    await page.click('#apply-code');
    await expect
      .poll(
        async () =>
          JSON.parse(await readFile(join(dir, 'dashboards/team-overview.json'), 'utf8')).widgets[1].w,
      )
      .toBe(12);
    // Apply saves, then draws the page anew (the old page keeps its data-rendered mark until then):
    // wait for the new grid to show the applied width and its charts, so the next test finds it.
    await page.waitForFunction(
      (n) =>
        document.body.getAttribute('data-rendered') === 'true' &&
        document.querySelectorAll('.grid-stack-item').length === n &&
        document.querySelector('.grid-stack-item[gs-w="12"]') !== null &&
        document.querySelectorAll('.grid-stack-item canvas').length >= 2,
      code.widgets.length,
    );
  });

  it('resizes a widget and removes another, and the stored dashboard follows', async () => {
    const stored = async () =>
      JSON.parse(await readFile(join(dir, 'dashboards/team-overview.json'), 'utf8')) as {
        widgets: { kind: string; w: number; h: number }[];
      };
    const metric = page.locator('.grid-stack-item[data-kind="metric"]');
    const before = (await stored()).widgets.find((w) => w.kind === 'metric');
    await metric.waitFor({ state: 'visible' });
    const box = await metric.boundingBox();
    if (!box || !before) throw new Error('no metric widget');
    // The corner handle shows on hover; drag it two rows down.
    await metric.hover();
    const handle = metric.locator('.ui-resizable-se');
    const hb = await handle.boundingBox();
    if (!hb) throw new Error('no resize handle');
    await page.mouse.move(hb.x + hb.width / 2, hb.y + hb.height / 2);
    await page.mouse.down();
    await page.mouse.move(hb.x + hb.width / 2, hb.y + 80, { steps: 4 });
    await page.mouse.move(hb.x + hb.width / 2, hb.y + 160, { steps: 8 });
    await page.mouse.up();
    await expect
      .poll(async () => (await stored()).widgets.find((w) => w.kind === 'metric')?.h)
      .toBeGreaterThan(before.h);
    expect(Number(await metric.getAttribute('gs-h'))).toBe(
      (await stored()).widgets.find((w) => w.kind === 'metric')?.h,
    );
    await page.click('.grid-stack-item[data-kind="label_shares"] .remove-widget');
    await expect.poll(async () => (await stored()).widgets.map((w) => w.kind)).toEqual(['metric']);
    expect(await page.locator('.grid-stack-item').count()).toBe(1);
  });

  it('lists dashboards with hostile titles as text, and the hostile label stays text', async () => {
    await open('#/dashboards', 'dashboards');
    const table = await page.textContent('#dashboards-table');
    expect(table).toContain(HOSTILE_TITLE);
    expect(table).toContain('reviews-minilm@3 (default)');
    await assertInert();
    // A model version's default dashboard, before anyone saved one: its three widgets, drawn.
    await open('#/d/reviews-minilm@3', 'dashboard');
    expect(await page.textContent('#save-status')).toBe('Default layout (not saved yet)');
    expect(
      await page.$$eval('.grid-stack-item', (els) => els.map((e) => e.getAttribute('data-kind'))),
    ).toEqual(['metric', 'label_shares', 'findings']);
    await page.waitForFunction(() => document.querySelectorAll('.grid-stack-item canvas').length >= 2);
    await page.waitForFunction(
      () => document.querySelectorAll('.grid-stack-item[data-kind="findings"] tbody tr').length > 10,
    );
    await page.screenshot({ path: `${SHOTS}/dashboard-default.png`, fullPage: true });
    // The other two widget kinds: the words the drifted window over-uses, and the projector.
    await open('#/d/words', 'dashboard');
    for (const kind of ['characteristic_words', 'projector']) {
      await page.selectOption('#widget-kind', kind);
      await page.selectOption('#widget-model', 'reviews-minilm@3');
      await page.click('#add-widget-button');
    }
    await page.waitForFunction(() =>
      document.querySelector('.grid-stack-item[data-kind="characteristic_words"] tbody tr'),
    );
    const words = await page.$$eval('.grid-stack-item[data-kind="characteristic_words"] tbody tr', (trs) =>
      trs.map((tr) => tr.firstChild?.textContent),
    );
    expect(words.slice(0, 4).sort()).toEqual(['airdrop', 'crypto', 'token', 'wallet']);
    await page.waitForSelector('.grid-stack-item[data-kind="projector"] canvas');
    const plotted = await page.$eval('.grid-stack-item[data-kind="projector"] .widget-chart', (el) =>
      vigilEcharts
        .getInstanceByDom(el)
        ?.getOption()
        .series.reduce((n, s) => n + s.data.length, 0),
    );
    expect(plotted).toBe(400);
    await open('#/m/tickets-bert/1', 'model-version');
    await page.waitForSelector('#findings-table');
    await open('#/m/tickets-bert/1/projector/2026-11-28T00-00-00.000Z', 'projector');
    const labels = await page.$$eval('#clusters-table td', (tds) => tds.length);
    expect(labels).toBeGreaterThan(0);
    // Brush over the whole plot: the hostile label is listed as text.
    const box = await page.locator('#projector-chart').boundingBox();
    if (!box) throw new Error('no chart');
    await page.mouse.move(box.x + 45, box.y + 45);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width - 45, box.y + box.height - 35, { steps: 10 });
    await page.mouse.up();
    await page.waitForSelector('#selection-table');
    await expect
      .poll(() =>
        page.$$eval('#selection-table tbody tr td:nth-child(2)', (tds) => tds.map((t) => t.textContent)),
      )
      .toContain(XSS_LABEL);
    await assertInert();
    expect(foreign).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('on AWS, signs in with the hosted login (code + PKCE) and calls the API with the token', async () => {
    // As CloudFront serves it: config.json names the pool, the CSP header allows the sign-in domain.
    const domain = 'vigil-test.auth.eu-west-1.amazoncognito.com';
    const context = await browser.newContext();
    const authed = await context.newPage();
    const authorizations: string[] = [];
    const tokenBodies: string[] = [];
    await authed.route(
      (url) => url.origin === new URL(serve.url).origin && url.pathname === '/',
      async (route) => {
        const res = await route.fetch();
        const html = (await res.text()).replace(/<meta http-equiv="Content-Security-Policy"[^>]*>\n/, '');
        await route.fulfill({
          response: res,
          body: html,
          headers: {
            ...res.headers(),
            'content-security-policy': `default-src 'self'; connect-src 'self' https://${domain}`,
          },
        });
      },
    );
    await authed.route(`${serve.url}/config.json`, (route) =>
      route.fulfill({ json: { auth: { domain, clientId: 'client-123' } } }),
    );
    await authed.route(`https://${domain}/oauth2/authorize**`, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: '<p>hosted login</p>' }),
    );
    await authed.route(`https://${domain}/oauth2/token`, async (route) => {
      tokenBodies.push(route.request().postData() ?? '');
      await route.fulfill({
        json: { access_token: 'token-abc', id_token: 'id', expires_in: 3600, token_type: 'Bearer' },
        headers: { 'access-control-allow-origin': '*' },
      });
    });
    authed.on('request', (r) => {
      if (r.url().includes('/console/models')) authorizations.push(r.headers().authorization ?? '');
    });
    await authed.goto(`${serve.url}/#/dashboards`);
    await authed.waitForURL(`https://${domain}/oauth2/authorize**`);
    const authorize = new URL(authed.url());
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'client-123',
      redirect_uri: `${serve.url}/`,
      scope: 'openid email',
      code_challenge_method: 'S256',
    });
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Cognito sends the browser back with a code; the app trades it (with the verifier) for a token.
    await authed.goto(`${serve.url}/?code=code-xyz`);
    await authed.waitForSelector('body[data-rendered="true"][data-page="dashboards"]');
    const form = new URLSearchParams(tokenBodies[0]);
    expect(Object.fromEntries(form)).toMatchObject({
      grant_type: 'authorization_code',
      client_id: 'client-123',
      code: 'code-xyz',
      redirect_uri: `${serve.url}/`,
    });
    // The verifier hashes to the challenge sent before.
    const { createHash } = await import('node:crypto');
    const challenge = createHash('sha256')
      .update(form.get('code_verifier') ?? '')
      .digest('base64url');
    expect(challenge).toBe(authorize.searchParams.get('code_challenge'));
    expect(new URL(authed.url()).search).toBe('');
    expect(authorizations).toContain('Bearer token-abc');
    await context.close();
  });
});
