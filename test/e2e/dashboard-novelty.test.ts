import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReportAssets } from '../../functions/adapters/report-assets.ts';
import { runMonitor } from '../../functions/lib/monitor/run.ts';
import type { MonitorReport } from '../../functions/lib/monitor/types.ts';
import { renderReportHtml } from '../../functions/lib/report/html.ts';
import { createRng } from '../../functions/lib/stats/rng.ts';
import { MODEL, makeWindow } from '../unit/monitor/make-windows.ts';
import { launchBrowser } from './helpers/browser.ts';

declare const echarts: {
  getInstanceByDom(el: Element): {
    getOption(): {
      series: { data: unknown[][] }[];
      visualMap?: { dimension?: number; seriesIndex?: number }[];
    };
  } | null;
};

const COMMON = Array.from({ length: 150 }, (_, i) => `word${i}`);
const NEW = ['battery', 'charger', 'headset', 'bluetooth'];
const XSS = '<img src=x onerror="alert(1)"> battery charger headset';

function texts(seed: number, novelFrom = Number.POSITIVE_INFINITY) {
  const rng = createRng(seed);
  return (i: number) =>
    i === novelFrom
      ? XSS
      : Array.from({ length: 6 + (i % 5) }, (_, k) =>
          i >= novelFrom && k % 2 === 0
            ? NEW[Math.floor(rng.random() * NEW.length)]
            : COMMON[Math.floor(150 * rng.random() ** 2)],
        ).join(' ');
}

describe('dashboard: new text (most novel texts, characteristic words, novelty colouring) in headless Chromium', () => {
  let dir: string;
  let browser: Browser;
  let page: Page;
  let report: MonitorReport;
  const dialogs: string[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    // Prepare: a run whose current window holds 15% texts of a new vocabulary, one of them hostile.
    const reference = makeWindow({ n: 300, dim: 16, seed: 1, idPrefix: 'ref', text: texts(1) });
    const current = makeWindow({
      n: 300,
      dim: 16,
      seed: 2,
      idPrefix: 'cur',
      shift: 0.6,
      shiftDims: 4,
      text: texts(2, 255),
    });
    report = runMonitor({
      model: MODEL,
      reference,
      referenceKind: 'baseline',
      current,
      window: { start: '2026-12-01T00:00:00.000Z', end: '2026-12-02T00:00:00.000Z' },
      now: new Date('2026-12-02T00:00:00.000Z'),
      seed: 4,
    });
    dir = mkdtempSync(join(tmpdir(), 'vigil-dashboard-novelty-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, renderReportHtml(report, [], await loadReportAssets()));
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('body[data-rendered="true"]', { timeout: 30_000 });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lists the most novel texts, the new ones first, and says how many are unlike the reference', async () => {
    const rows = await page.$$eval('#novelty table.novel-texts tbody tr', (trs) =>
      trs.map((tr) => (tr.querySelector('td.text') as HTMLElement).textContent),
    );
    expect(rows.length).toBe(20);
    expect(
      rows
        .slice(0, 10)
        .filter((t) => ['battery', 'charger', 'headset', 'bluetooth'].some((w) => t.includes(w))).length,
    ).toBeGreaterThanOrEqual(9);
    const summary = await page.$eval(
      '#novelty .novelty-space[data-space="tokens"]',
      (li) => (li as HTMLElement).textContent,
    );
    expect(summary).toMatch(
      /\d+ of 300 texts \(\d+(\.\d)?%, expected \d+(\.\d)?%\) are unlike the reference in words/,
    );
  });

  it('lists the current texts that cluster among themselves, the new ones first, escaped', async () => {
    const rows = await page.$$eval('#text-clusters table.clustered-texts tbody tr', (trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => (td as HTMLElement).textContent ?? '')),
    );
    const finding = report.findings.find((f) => f.check === 'novelty.text_neighbours');
    const clustered = finding?.details?.clustered as { text: string }[];
    expect(rows.length).toBe(Math.min(20, clustered.length));
    expect(rows.length).toBeGreaterThanOrEqual(10);
    expect(rows.slice(0, 10).every((r) => NEW.some((w) => r[3].includes(w)))).toBe(true);
    const k = Number(finding?.details?.k);
    for (const r of rows) expect(Number(r[1].split(' of ')[0])).toBeGreaterThanOrEqual(k - 1);
    const summary = await page.$eval('#text-clusters p', (p) => (p as HTMLElement).textContent ?? '');
    expect(summary).toContain(`${clustered.length} current texts have at least ${k - 1} current texts`);
  });

  it('shows the characteristic words of each window with their counts', async () => {
    const words = await page.$$eval('#characteristic-words table.words-current tbody tr', (trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => (td as HTMLElement).textContent)),
    );
    expect(words.length).toBeGreaterThanOrEqual(4);
    expect(new Set(words.slice(0, 4).map((w) => w[0]))).toEqual(new Set(NEW));
    const battery = words.find((w) => w[0] === 'battery');
    const expected = report.characteristicWords?.current.find((w) => w.word === 'battery');
    expect(battery?.[1]).toBe(String(expected?.current));
    expect(battery?.[2]).toBe('0');
    const examples = await page.$$eval('#characteristic-words ul.examples-current li', (lis) => lis.length);
    expect(examples).toBeGreaterThan(0);
  });

  it('colours the projector by novelty on request', async () => {
    const before = await page.evaluate(() => {
      const el = document.getElementById('projector-chart') as HTMLElement;
      return {
        mode: el.dataset.colour,
        visualMaps: echarts.getInstanceByDom(el)?.getOption().visualMap?.length ?? 0,
      };
    });
    expect(before).toEqual({ mode: 'window', visualMaps: 0 });
    await page.selectOption('#projector-colour', 'novelty');
    const after = await page.evaluate(() => {
      const el = document.getElementById('projector-chart') as HTMLElement;
      const option = echarts.getInstanceByDom(el)?.getOption();
      const current = option?.series[1].data ?? [];
      return {
        mode: el.dataset.colour,
        visualMap: option?.visualMap?.[0] ?? null,
        points: current.length,
        withNovelty: current.filter((d) => typeof d[3] === 'number' && d[3] >= 0 && d[3] <= 1).length,
        high: current.filter((d) => (d[3] as number) > 0.9).length,
      };
    });
    expect(after.mode).toBe('novelty');
    expect(after.visualMap).toMatchObject({ dimension: 3, seriesIndex: 1 });
    expect(after.points).toBe(300);
    expect(after.withNovelty).toBe(300);
    expect(after.high).toBeGreaterThanOrEqual(20);
    await page.selectOption('#projector-colour', 'window');
    const back = await page.evaluate(() => {
      const el = document.getElementById('projector-chart') as HTMLElement;
      return {
        mode: el.dataset.colour,
        visualMaps: echarts.getInstanceByDom(el)?.getOption().visualMap?.length ?? 0,
      };
    });
    expect(back).toEqual({ mode: 'window', visualMaps: 0 });
  });

  it('shows hostile text as text: no dialog, no page error', async () => {
    const shown = await page.$$eval('#novelty td.text', (tds) =>
      tds.map((td) => (td as HTMLElement).textContent),
    );
    expect(shown).toContain(XSS);
    expect(await page.$$eval('#novelty img', (imgs) => imgs.length)).toBe(0);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
  });
});
