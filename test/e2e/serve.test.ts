import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeActuals, decodePredictions } from '../../functions/lib/records/parquet.ts';
import { TWO_LABEL_SPEC, writeFixtureBundle } from '../fixtures/bundles/build-bundle.ts';

const REPO = resolve(import.meta.dirname, '../..');

interface Served {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  exit: Promise<number | null>;
}

async function startServe(args: string[]): Promise<Served> {
  const child = spawn(process.execPath, [join(REPO, 'bin/vigil.mjs'), 'serve', '--port', '0', ...args], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (err += d));
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}${err}`)), 30_000);
    child.stdout?.on('data', () => {
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)));
  });
  return { child, url, stdout: () => out, exit };
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

let root: string;
let served: Served;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vigil-serve-'));
  await writeFixtureBundle(join(root, 'model'), TWO_LABEL_SPEC);
  served = await startServe(['--model', join(root, 'model'), '--data-dir', join(root, 'data')]);
});

afterAll(async () => {
  if (served.child.exitCode === null) served.child.kill('SIGKILL');
  await rm(root, { recursive: true, force: true });
});

const post = (path: string, body: string | object) =>
  fetch(`${served.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('vigil serve', () => {
  it('serves GET /health with the model', async () => {
    const res = await fetch(`${served.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'ok',
      model: { name: 'fixture-sentiment', version: '1.0.0' },
    });
  });

  it('predicts and has written the records to the data dir when it answers', async () => {
    const res = await post('/predict', { texts: ['a wonderful film', ''], return_embedding: true });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.predictions).toHaveLength(2);
    expect(body.predictions[0].embedding).toHaveLength(TWO_LABEL_SPEC.hiddenSize);
    const files = (await filesUnder(join(root, 'data', 'predictions'))).filter((f) => f.endsWith('.parquet'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(
      /predictions\/model=fixture-sentiment\/version=1\.0\.0\/date=\d{4}-\d\d-\d\d\/hour=\d\d\//,
    );
    const records = await decodePredictions(new Uint8Array(await readFile(files[0])));
    expect(records.map((r) => r.id).sort()).toEqual(body.predictions.map((p: { id: string }) => p.id).sort());
    const first = records.find((r) => r.id === body.predictions[0].id);
    expect(first?.text).toBe('a wonderful film');
    expect(first?.label).toBe(body.predictions[0].label);
    expect(first?.score).toBeCloseTo(body.predictions[0].score, 6);
  });

  it('accepts feedback for a prediction and writes an actuals partition', async () => {
    const predicted = await (await post('/predict', { text: 'the worst movie' })).json();
    const id = predicted.predictions[0].id;
    const res = await post('/feedback', { labels: [{ id, label: 'NEGATIVE' }] });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 1 });
    const [file] = await filesUnder(join(root, 'data', 'actuals', 'model=fixture-sentiment'));
    const actuals = await decodeActuals(new Uint8Array(await readFile(file)));
    expect(actuals.map((a) => [a.id, a.label])).toEqual([[id, 'NEGATIVE']]);
    const bad = await post('/feedback', { labels: [{ id, label: 'MAYBE' }] });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe('UNKNOWN_LABEL');
  });

  it('answers 400, 404, 405 and 413 in the error shape', async () => {
    const invalid = await post('/predict', 'not json');
    expect(invalid.status).toBe(400);
    expect((await invalid.json()).error.code).toBe('INVALID_JSON');

    const missing = await fetch(`${served.url}/nowhere`);
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe('NOT_FOUND');

    const wrongMethod = await fetch(`${served.url}/predict`, { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');

    const tooBig = await post('/predict', JSON.stringify({ text: 'x'.repeat(2 * 1024 * 1024) }));
    expect(tooBig.status).toBe(413);
    expect((await tooBig.json()).error.code).toBe('PAYLOAD_TOO_LARGE');

    const tooLong = await post('/predict', { text: 'y'.repeat(100_001) });
    expect(tooLong.status).toBe(413);
    expect((await tooLong.json()).error.code).toBe('TEXT_TOO_LONG');
  });

  it('serves the latest report at /dashboard once a monitoring run has written one', async () => {
    const before = await fetch(`${served.url}/dashboard`);
    expect(before.status).toBe(404);
    expect((await before.json()).error.code).toBe('REPORT_NOT_FOUND');

    const reports = join(root, 'data', 'reports', 'model=fixture-sentiment', 'version=1.0.0');
    await mkdir(reports, { recursive: true });
    await writeFile(join(reports, 'latest.html'), '<!doctype html><title>Vigil report</title><h1>ok</h1>');
    const after = await fetch(`${served.url}/dashboard`);
    expect(after.status).toBe(200);
    expect(after.headers.get('content-type')).toContain('text/html');
    expect(await after.text()).toContain('<title>Vigil report</title>');
    expect((await fetch(`${served.url}/dashboard`, { method: 'DELETE' })).status).toBe(405);
  });

  it('logs one line per request', () => {
    expect(served.stdout()).toMatch(/^GET \/health 200 \d+\.\dms$/m);
    expect(served.stdout()).toMatch(/^POST \/predict 413 \d+\.\dms$/m);
    expect(served.stdout()).toMatch(/^DELETE \/predict 405 /m);
  });

  it('shuts down cleanly on SIGTERM with exit code 0', async () => {
    served.child.kill('SIGTERM');
    expect(await served.exit).toBe(0);
  });
});

describe('vigil serve --no-store-text', () => {
  it('logs null text but keeps the hash and statistics', async () => {
    const dataDir = join(root, 'private');
    const s = await startServe(['--model', join(root, 'model'), '--data-dir', dataDir, '--no-store-text']);
    try {
      const res = await fetch(`${s.url}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'private words' }),
      });
      expect(res.status).toBe(200);
      const [file] = await filesUnder(join(dataDir, 'predictions'));
      const [record] = await decodePredictions(new Uint8Array(await readFile(file)));
      expect(record.text).toBeNull();
      expect(record.text_sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(record.text_chars).toBe(13);
    } finally {
      s.child.kill('SIGINT');
      expect(await s.exit).toBe(0);
    }
  });
});

describe('vigil serve with a bad model folder', () => {
  it('exits 1 naming the bundle problem instead of serving', async () => {
    const child = spawn(
      process.execPath,
      [join(REPO, 'bin/vigil.mjs'), 'serve', '--port', '0', '--model', join(root, 'nope')],
      {
        cwd: REPO,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let err = '';
    child.stderr?.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code).toBe(1);
    expect(err).toMatch(/MODEL_BUNDLE_NOT_FOUND/);
  });
});

describe('vigil serve with the default bundle (what npm start runs)', () => {
  it('serves layers/model when no --model is given', async () => {
    const s = await startServe(['--data-dir', join(root, 'default-data')]);
    try {
      const health = await (await fetch(`${s.url}/health`)).json();
      expect(health.model.name).toBe('vigil-sst2-cnn');
      const res = await fetch(`${s.url}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          texts: ['a moving, beautiful and brilliant film', 'a boring, terrible waste of time'],
        }),
      });
      const { predictions } = await res.json();
      expect(predictions.map((p: { label: string }) => p.label)).toEqual(['POSITIVE', 'NEGATIVE']);
    } finally {
      s.child.kill('SIGTERM');
      expect(await s.exit).toBe(0);
    }
  });
});
