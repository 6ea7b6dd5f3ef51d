import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MonitorReport } from '../../functions/lib/monitor/types.ts';
import { vigil } from './helpers/vigil-cli.ts';

/** The lines of one "Run N: ..." block of the story. */
function runBlock(stdout: string, n: number): string {
  const start = stdout.indexOf(`Run ${n}:`);
  const next = stdout.indexOf(`Run ${n + 1}:`, start);
  const end = next >= 0 ? next : stdout.indexOf('Dashboard of the last run:', start);
  return stdout.slice(start, end);
}

describe('vigil demo', () => {
  let root: string;
  let dataDir: string;
  let result: { code: number; stdout: string; stderr: string };

  beforeAll(async () => {
    // Prepare: a fresh data dir; the demo uses the committed corpus and the bundled model only.
    root = await mkdtemp(join(tmpdir(), 'vigil-e2e-demo-'));
    dataDir = join(root, 'demo');
    // Act
    result = await vigil(['demo', '--quick', '--data-dir', dataDir]);
  }, 120_000);

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('exits 0 and shows progress on stderr', () => {
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/phase 1\/5: normal traffic/);
    expect(result.stderr).toMatch(/running the monitor/);
  });

  it('the normal phase does not alert on embedding drift', () => {
    const block = runBlock(result.stdout, 1);
    expect(block).toMatch(/embedding drift \(MMD\): ok, p = 0\.\d+/);
    expect(block).not.toMatch(/ALERT\s+embedding_drift/);
  });

  it('traffic of new domains alerts on embedding drift, with p-values', () => {
    const block = runBlock(result.stdout, 2);
    expect(block).toMatch(/embedding drift \(MMD\): alert, p = [\d.e-]+/);
    expect(block).toMatch(/ALERT\s+embedding_drift\.mmd .*p = [\d.e-]+ \(BH [\d.e-]+\)/);
    expect(block).toMatch(/alerting: delivered/);
  });

  it('a shift of the label shares alerts on the predicted labels', () => {
    expect(runBlock(result.stdout, 3)).toMatch(/ALERT\s+prediction_drift\.label_chi_square .*p = [\d.e-]+/);
  });

  it('the burst of empty and long texts alerts on integrity', () => {
    const block = runBlock(result.stdout, 4);
    expect(block).toMatch(/ALERT\s+integrity\.empty_text/);
    expect(block).toMatch(/(ALERT|WARNING)\s+integrity\.truncation/);
  });

  it('a second model logs through POST /log and the run names the one segment that drifted', async () => {
    const block = runBlock(result.stdout, 5);
    expect(block).toMatch(/demo-support-router 1: 48-dimension embeddings/);
    expect(block).toMatch(/\d+ records sent by the TypeScript client/);
    expect(block).toMatch(/drifting segments: channel=app\n/);
    expect(block).toMatch(/ALERT\s+embedding_drift\.mmd\[channel=app\]/);
    expect(block).not.toMatch(/(ALERT|WARNING)\s+\S+\[channel=(web|email)\]/);
    const dir = join(dataDir, 'reports', 'model=demo-support-router', 'version=1');
    const [json] = (await readdir(dir)).filter((f) => f.endsWith('.json'));
    const report = JSON.parse(await readFile(join(dir, json), 'utf8')) as MonitorReport;
    const alerted = report.findings.filter((f) => f.verdict === 'alert' && f.check.includes('[channel='));
    expect(alerted.length).toBeGreaterThan(0);
    expect(alerted.every((f) => f.check.endsWith('[channel=app]'))).toBe(true);
  });

  it('writes one report per run and a dashboard file whose path it prints', async () => {
    const match = /Dashboard of the last run: (.+latest\.html)/.exec(result.stdout);
    expect(match).not.toBeNull();
    const dashboard = (match as RegExpExecArray)[1];
    expect(dashboard.startsWith(dataDir)).toBe(true);
    expect((await stat(dashboard)).size).toBeGreaterThan(10_000);
    expect(await readFile(dashboard, 'utf8')).toMatch(/<html/i);

    const reportsDir = join(dataDir, 'reports', 'model=vigil-sst2-cnn', 'version=1.0.0');
    const jsons = (await readdir(reportsDir)).filter((f) => f.endsWith('.json')).sort();
    expect(jsons).toHaveLength(4);
    const reports = await Promise.all(
      jsons.map(async (f) => JSON.parse(await readFile(join(reportsDir, f), 'utf8')) as MonitorReport),
    );
    const mmd = reports.map((r) => r.findings.find((f) => f.check === 'embedding_drift.mmd'));
    expect(mmd[0]?.verdict).toBe('ok');
    expect(mmd[1]?.verdict).toBe('alert');
    // The story's p-value is the report's, rounded.
    const printed = /embedding drift \(MMD\): alert, p = ([\d.e-]+)/.exec(runBlock(result.stdout, 2));
    expect(Number(printed?.[1])).toBeCloseTo(mmd[1]?.pValue ?? Number.NaN, 3);
  });

  it('refuses a data dir that already holds data, with a stable code', async () => {
    const used = join(root, 'used');
    await mkdir(used);
    await writeFile(join(used, 'marker'), '');
    const again = await vigil(['demo', '--quick', '--data-dir', used]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/DATA_DIR_NOT_EMPTY/);
  });
});
