/**
 * The console's first load on `vigil serve` with 50 model versions and 2,000 runs: time until the
 * models page has rendered every row in headless Chromium, and the bytes transferred for it.
 *
 *   node bin/run-ts.mjs bench/console.ts [--models 50] [--runs 40] [--trials 5] [--json out.json]
 *
 * Every run is a real report: one is produced by runMonitorJob on a synthetic window, and the rest are
 * copies of it with their own model, window, verdicts and volume (same size and shape as real ones).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createLocalStore } from '../functions/adapters/local-store.ts';
import { parseModelVersion } from '../functions/lib/models/model-version.ts';
import { declareModelVersion } from '../functions/lib/models/registry.ts';
import { reportKeys } from '../functions/lib/monitor/keys.ts';
import type { MonitorReport, Verdict } from '../functions/lib/monitor/types.ts';
import { launchBrowser } from '../test/e2e/helpers/browser.ts';
import { CONSOLE_MODELS, writeConsoleData } from '../test/e2e/helpers/console-data.ts';

const REPO = resolve(import.meta.dirname, '..');
const DAY = 86_400_000;

const { values } = parseArgs({
  options: {
    models: { type: 'string', default: '50' },
    runs: { type: 'string', default: '40' },
    trials: { type: 'string', default: '5' },
    json: { type: 'string' },
  },
});
const MODELS = Number(values.models);
const RUNS = Number(values.runs);
const TRIALS = Number(values.trials);

async function templateReport(dir: string): Promise<MonitorReport> {
  const spec = { ...CONSOLE_MODELS[0], runs: 1 };
  await writeConsoleData(createLocalStore(dir), [spec]);
  const key = reportKeys(spec.name, spec.version, '2026-11-28T00:00:00.000Z').json;
  return JSON.parse(await readFile(join(dir, key), 'utf8')) as MonitorReport;
}

async function writeBenchData(dir: string, template: MonitorReport): Promise<number> {
  const store = createLocalStore(dir);
  const verdicts: Verdict[] = ['ok', 'ok', 'ok', 'warning', 'alert', 'insufficient_data'];
  let bytes = 0;
  for (let m = 0; m < MODELS; m++) {
    const name = `bench-model-${String(m).padStart(2, '0')}`;
    const version = String(1 + (m % 3));
    const origin = (['logged', 'connected', 'logged'] as const)[m % 3];
    await declareModelVersion(
      store,
      parseModelVersion(
        {
          labels: ['NEGATIVE', 'POSITIVE'],
          embedding_dim: 16,
          text: true,
          score: true,
          probabilities: false,
          fields: [{ name: 'language', type: 'string', segment: true }],
          ...(origin === 'connected' ? { source: { type: 'parquet', path: `/data/${name}` } } : {}),
        },
        { name, version, origin, now: new Date('2026-10-01T00:00:00Z') },
      ),
    ).catch(async () =>
      // A source the validator does not know: declare it as logged (the bench measures the console).
      declareModelVersion(
        store,
        parseModelVersion(
          {
            labels: ['NEGATIVE', 'POSITIVE'],
            embedding_dim: 16,
            text: true,
            score: true,
            probabilities: false,
            fields: [],
          },
          { name, version, origin: 'logged', now: new Date('2026-10-01T00:00:00Z') },
        ),
      ),
    );
    for (let r = 0; r < RUNS; r++) {
      const end = new Date(Date.parse('2026-11-28T00:00:00.000Z') - (RUNS - 1 - r) * DAY);
      const worst = verdicts[(m + r) % verdicts.length];
      const report: MonitorReport = {
        ...template,
        model: { name, version },
        runAt: new Date(end.getTime() + 300_000).toISOString(),
        window: { start: new Date(end.getTime() - DAY).toISOString(), end: end.toISOString() },
        summary: { ...template.summary, worst },
        metrics: { ...template.metrics, 'volume.current': 1000 + ((m * 37 + r * 11) % 500) },
      };
      const body = JSON.stringify(report);
      bytes += body.length;
      await store.putObject(reportKeys(name, version, end).json, body, 'application/json');
    }
  }
  return bytes;
}

function startServe(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [join(REPO, 'bin/vigil.mjs'), 'serve', '--port', '0', '--data-dir', dataDir],
    {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  return new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`vigil serve did not start: ${out}`)), 60_000);
    child.stdout?.on('data', () => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        res({ child, url: m[1] });
      }
    });
    child.once('exit', (code) => rej(new Error(`vigil serve exited with ${code}: ${out}`)));
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const started = Date.now();
  const loadBefore = loadavg();
  const dir = await mkdtemp(join(tmpdir(), 'vigil-bench-console-'));
  const tdir = await mkdtemp(join(tmpdir(), 'vigil-bench-console-template-'));
  let serve: { child: ChildProcess; url: string } | undefined;
  try {
    const template = await templateReport(tdir);
    const dataBytes = await writeBenchData(dir, template);
    serve = await startServe(dir);
    // Wait for the app build (esbuild, in memory) so the page load measures the console, not the build.
    for (let i = 0; i < 120; i++) {
      if ((await fetch(`${serve.url}/`)).status === 200) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const browser = await launchBrowser();
    const trials: { ms: number; bytes: number; requests: number; rows: number }[] = [];
    for (let t = 0; t < TRIALS; t++) {
      // A fresh context each time: an empty HTTP cache, as a first visit.
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      let bytes = 0;
      let requests = 0;
      cdp.on('Network.loadingFinished', (e: { encodedDataLength: number }) => {
        bytes += e.encodedDataLength;
        requests++;
      });
      const t0 = performance.now();
      await page.goto(`${serve.url}/`);
      await page.waitForSelector('body[data-rendered="true"][data-page="models"]', { timeout: 60_000 });
      const ms = performance.now() - t0;
      const rows = await page.$$eval('#models-table tbody tr', (trs) => trs.length);
      trials.push({ ms, bytes, requests, rows });
      await context.close();
    }
    await browser.close();
    const first = trials[0];
    const warm = trials.slice(1);
    const result = {
      date: new Date().toISOString(),
      machine: {
        cpu: cpus()[0]?.model ?? 'unknown',
        cores: cpus().length,
        memoryGiB: +(totalmem() / 2 ** 30).toFixed(1),
        node: process.version,
      },
      modelVersions: MODELS,
      runs: MODELS * RUNS,
      reportBytes: dataBytes,
      firstLoadMs: +first.ms.toFixed(0),
      firstLoadBytes: first.bytes,
      firstLoadRequests: first.requests,
      rowsRendered: first.rows,
      warmServerMedianMs: warm.length ? +median(warm.map((x) => x.ms)).toFixed(0) : null,
      trials: trials.map((x) => ({ ms: +x.ms.toFixed(0), bytes: x.bytes })),
      loadAverage: {
        before: loadBefore.map((x) => +x.toFixed(2)),
        after: loadavg().map((x) => +x.toFixed(2)),
      },
      seconds: +((Date.now() - started) / 1000).toFixed(0),
    };
    console.log(JSON.stringify(result, null, 2));
    if (values.json) await writeFile(values.json, `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    serve?.child.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
    await rm(tdir, { recursive: true, force: true });
  }
}

await main();
