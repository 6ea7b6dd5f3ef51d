import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding, MonitorReport } from '../../functions/lib/monitor/types.ts';
import { TWO_LABEL_SPEC, writeFixtureBundle } from '../fixtures/bundles/build-bundle.ts';
import { vigil } from './helpers/vigil-cli.ts';
import { REPO, readLoggedRecords, type ServeProcess, startServeProcess } from './helpers/vigil-serve.ts';

const run = promisify(execFile);
const HOUR = 3_600_000;
const SEGMENT = /\[language=([^\]]+)\]$/;

let root: string;
let dataDir: string;
let serve: ServeProcess;
let clientStats: Record<string, unknown>;
let report: MonitorReport;
let monitorStderr: string;

beforeAll(async () => {
  // Prepare: a real vigil serve; the Python client logs the two periods through POST /log
  root = await mkdtemp(join(tmpdir(), 'vigil-log-segments-'));
  dataDir = join(root, 'data');
  await writeFixtureBundle(join(root, 'model'), TWO_LABEL_SPEC);
  serve = await startServeProcess(['--model', join(root, 'model'), '--data-dir', dataDir]);
  const now = Math.floor(Date.now() / 60_000) * 60_000;
  const py = await run('python3', [join(REPO, 'test/e2e/python/log_segments.py'), serve.url, String(now)], {
    maxBuffer: 1 << 24,
  });
  clientStats = JSON.parse(py.stdout);
  await serve.stop();
  // Act: one monitoring run, the last 24 hours against the reference period
  const iso = (ms: number) => new Date(ms).toISOString();
  const res = await vigil([
    'monitor',
    '--data-dir',
    dataDir,
    '--model',
    join(root, 'no-bundle'),
    '--model-name',
    'reviews-segments',
    '--model-version',
    '1',
    '--reference-start',
    iso(now - 72 * HOUR),
    '--reference-end',
    iso(now - 48 * HOUR),
    '--now',
    iso(now),
    '--dry-run',
    '--json',
  ]);
  expect(res.code, res.stderr).toBe(0);
  report = JSON.parse(res.stdout) as MonitorReport;
  monitorStderr = res.stderr;
}, 300_000);

afterAll(async () => {
  await serve?.stop();
  await rm(root, { recursive: true, force: true });
});

const segmentOf = (f: Finding) => SEGMENT.exec(f.check)?.[1] ?? null;
const bad = (f: Finding) => f.verdict === 'alert';

describe('a model logged with the Python client, monitored per language segment', () => {
  it('the client sent all 2,000 records and the log holds them with their language', async () => {
    expect(clientStats).toMatchObject({
      flushed: true,
      queued: 2000,
      sent: 2000,
      dropped: 0,
      rejected: 0,
      failed: 0,
    });
    const logged = await readLoggedRecords(dataDir, 'reviews-segments');
    expect(new Set(logged.map((r) => r.id)).size).toBe(2000);
    expect(logged[0].embedding).toHaveLength(384);
    const languages = logged.map((r) => r.fields?.language);
    expect(languages.filter((l) => l === 'de')).toHaveLength(600);
  });

  it('reports per-segment findings for every language', () => {
    const segments = new Set(report.findings.map(segmentOf).filter((s) => s !== null));
    expect([...segments].sort()).toEqual(['de', 'en', 'fr']);
    for (const language of ['de', 'en', 'fr']) {
      const mmd = report.findings.find((f) => f.check === `embedding_drift.mmd[language=${language}]`);
      expect(mmd, `embedding_drift.mmd[language=${language}]`).toBeDefined();
      expect(mmd?.pValue).not.toBeNull();
      expect(mmd?.currentSize).toBe(language === 'en' ? 400 : 300);
    }
  });

  it('alerts on exactly the shifted segment: embeddings and labels of language=de', () => {
    const segmentAlerts = report.findings.filter((f) => segmentOf(f) !== null && bad(f));
    expect(segmentAlerts.length).toBeGreaterThan(0);
    expect(new Set(segmentAlerts.map(segmentOf))).toEqual(new Set(['de']));
    const byCheck = new Map(report.findings.map((f) => [f.check, f]));
    expect(byCheck.get('embedding_drift.mmd[language=de]')?.verdict).toBe('alert');
    expect(
      report.findings.some(
        (f) => f.check.startsWith('prediction_drift.') && f.check.endsWith('[language=de]') && bad(f),
      ),
    ).toBe(true);
    for (const language of ['en', 'fr'])
      expect(byCheck.get(`embedding_drift.mmd[language=${language}]`)?.verdict).toBe('ok');
  });

  it('the language field itself did not drift, and the alert names the segment', () => {
    const fieldDrift = report.findings.filter((f) => f.check.includes('language') && segmentOf(f) === null);
    expect(fieldDrift.length).toBeGreaterThan(0);
    expect(fieldDrift.every((f) => f.verdict === 'ok')).toBe(true);
    expect(monitorStderr).toMatch(/embedding_drift\.mmd\[language=de\]/);
  });
});
