import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReportAssets } from '../../functions/adapters/report-assets.ts';
import type { MonitorReport } from '../../functions/lib/monitor/types.ts';
import { renderReportHtml } from '../../functions/lib/report/html.ts';
import { makeReportWithHistory, XSS_TEXT } from '../fixtures/report/synthetic.ts';
import { launchBrowser } from './helpers/browser.ts';

declare const echarts: {
  getInstanceByDom(el: Element): {
    getOption(): { series: { data: unknown[] }[] };
    convertToPixel(finder: { seriesIndex: number }, value: number[]): number[];
  } | null;
};

describe('HTML dashboard in headless Chromium', () => {
  let dir: string;
  let fileUrl: string;
  let report: MonitorReport;
  let history: MonitorReport[];
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  const dialogs: string[] = [];

  beforeAll(async () => {
    // 768 dimensions: the hidden size of the DistilBERT-style models Vigil serves.
    ({ report, history } = makeReportWithHistory({ seed: 3, dims: 768 }));
    // Hostile user text where the page shows text: a lone point in the corner, a cluster sample, a finding.
    const projector = report.projector;
    if (!projector) throw new Error('fixture has no projector');
    const minX = Math.min(...projector.points.map((p) => p.x));
    const minY = Math.min(...projector.points.map((p) => p.y));
    projector.points.push({
      x: minX,
      y: minY,
      window: 'current',
      text: XSS_TEXT,
      label: 'NEGATIVE',
      score: 0.5,
      cluster: -1,
    });
    projector.clusters[0].sampleTexts.push(XSS_TEXT);
    report.findings[0].message = XSS_TEXT;
    const html = renderReportHtml(report, history, await loadReportAssets());
    dir = mkdtempSync(join(tmpdir(), 'vigil-dashboard-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, html);
    fileUrl = pathToFileURL(file).href;
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    page.on('request', (r) => requests.push(r.url()));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    mkdirSync('test-results', { recursive: true });
    await page.goto(fileUrl);
    await page.waitForSelector('body[data-rendered="true"]', { timeout: 30_000 });
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('renders every chart as a non-empty ECharts canvas', async () => {
    const charts = await page.$$eval('.chart', (els) =>
      els.map((el) => {
        const canvas = el.querySelector('canvas');
        return {
          id: el.id,
          instance: echarts.getInstanceByDom(el) !== null,
          width: canvas?.width ?? 0,
          height: canvas?.height ?? 0,
        };
      }),
    );
    const ids = charts.map((c) => c.id);
    for (const id of ['ts-embedding-p-value', 'ts-embedding-distance', 'ts-volume', 'ts-label-shares']) {
      expect(ids).toContain(id);
    }
    expect(ids).toEqual(
      expect.arrayContaining(['ts-performance', 'ts-integrity', 'dist-scores', 'dist-labels']),
    );
    expect(ids).toContain('projector-chart');
    for (const c of charts) {
      expect(c.instance).toBe(true);
      expect(c.width).toBeGreaterThan(100);
      expect(c.height).toBeGreaterThan(100);
    }
    expect(await page.locator('tr.finding').count()).toBe(report.findings.length);
  });

  it('plots every projector point, at least 2,000, and lists the clusters', async () => {
    const plotted = await page.$eval('#projector-chart', (el) => {
      const series = echarts.getInstanceByDom(el)?.getOption().series ?? [];
      return series[0].data.length + series[1].data.length;
    });
    expect(plotted).toBe(report.projector?.points.length);
    expect(plotted).toBeGreaterThan(2000);
    expect(await page.locator('tr.cluster-row').count()).toBe(report.projector?.clusters.length);
    const firstRatio = await page.locator('tr.cluster-row').first().locator('.ratio-num').textContent();
    expect(firstRatio).toBe('+1.00');
  });

  it('shows a point text, label and score in the tooltip on hover', async () => {
    const points = report.projector?.points ?? [];
    await page.locator('#projector-chart').scrollIntoViewIfNeeded();
    const target = await page.$eval('#projector-chart', (el) => {
      const chart = echarts.getInstanceByDom(el);
      const data = chart?.getOption().series[1].data as number[][];
      const [px, py] = chart?.convertToPixel({ seriesIndex: 1 }, data[0]) ?? [0, 0];
      const box = el.getBoundingClientRect();
      return { x: box.left + px, y: box.top + py };
    });
    await page.mouse.move(target.x - 30, target.y - 30);
    await page.mouse.move(target.x, target.y, { steps: 5 });
    const tooltip = page.locator('.vigil-tooltip .tt-point');
    await tooltip.waitFor({ state: 'visible', timeout: 5_000 });
    const text = await tooltip.locator('.tt-text').textContent();
    expect(points.map((p) => p.text)).toContain(text);
    const meta = await tooltip.locator('.tt-meta').textContent();
    expect(meta).toMatch(/(reference|current) label (POSITIVE|NEGATIVE) · score 0\.\d+/);
    await page.screenshot({ path: 'test-results/dashboard-tooltip.png' });
  });

  it('shows hostile text literally in the tooltip and the cluster list', async () => {
    const target = await page.$eval('#projector-chart', (el) => {
      const chart = echarts.getInstanceByDom(el);
      const data = chart?.getOption().series[1].data as number[][];
      const last = data[data.length - 1];
      const [px, py] = chart?.convertToPixel({ seriesIndex: 1 }, last) ?? [0, 0];
      const box = el.getBoundingClientRect();
      return { x: box.left + px, y: box.top + py };
    });
    await page.mouse.move(target.x + 40, target.y - 40);
    await page.mouse.move(target.x, target.y, { steps: 5 });
    const tooltip = page.locator('.vigil-tooltip .tt-point .tt-text', { hasText: XSS_TEXT });
    await tooltip.waitFor({ state: 'visible', timeout: 5_000 });
    expect(await tooltip.textContent()).toBe(XSS_TEXT);
    const samples = await page.locator('tr.cluster-row').first().locator('li').allTextContents();
    expect(samples).toContain(XSS_TEXT);
    expect(await page.locator('tr.finding', { hasText: XSS_TEXT }).count()).toBe(1);
  });

  it('outlines a cluster when its row is clicked', async () => {
    const first = report.projector?.clusters[0];
    await page.locator('tr.cluster-row').first().click();
    const outlined = await page.$eval('#projector-chart', (el) => {
      return echarts.getInstanceByDom(el)?.getOption().series[2].data.length;
    });
    expect(outlined).toBe((first?.reference ?? 0) + (first?.current ?? 0));
    expect(await page.locator('tr.cluster-row.selected').count()).toBe(1);
  });

  it('keeps hostile user text inert, logs no errors and requests nothing but the page', async () => {
    // XSS_TEXT is `</script><img src=x onerror=alert(1)>`: it must never become an element.
    expect(await page.locator('img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.every((u) => u === fileUrl)).toBe(true);
  });

  it('saves a screenshot', async () => {
    const buffer = await page.screenshot({ path: 'test-results/dashboard.png', fullPage: true });
    expect(buffer.length).toBeGreaterThan(50_000);
    // A close-up of the projector with the selected cluster and the last tooltip, for a human to check.
    const projector = await page
      .locator('#projector')
      .screenshot({ path: 'test-results/dashboard-projector.png' });
    expect(projector.length).toBeGreaterThan(20_000);
  });
});
