import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Store } from '../../functions/adapters/s3-store.ts';
import { readPredictions } from '../../functions/lib/records/read.ts';
import { TWO_LABEL_SPEC, writeFixtureBundle } from '../fixtures/bundles/build-bundle.ts';
import { type LocalS3, startLocalS3 } from '../integration/s3rver.ts';

const REPO = resolve(import.meta.dirname, '../..');
let root: string;
let s3: LocalS3;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vigil-serve-s3-'));
  await writeFixtureBundle(join(root, 'model'), TWO_LABEL_SPEC);
  s3 = await startLocalS3('vigil-log');
});

afterAll(async () => {
  await s3?.dispose();
  await rm(root, { recursive: true, force: true });
});

async function startServe(args: string[]) {
  const child = spawn(process.execPath, [join(REPO, 'bin/vigil.mjs'), 'serve', '--port', '0', ...args], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' },
  });
  const exit = new Promise<number | null>((r) => child.on('exit', r));
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  const url = await new Promise<string>((res, rej) => {
    child.stdout?.on('data', () => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) res(m[1]);
    });
    child.on('exit', (c) => rej(new Error(`serve exited ${c}`)));
  });
  return { child, exit, url };
}

describe('vigil serve --s3-endpoint --bucket', () => {
  it('writes part files to the bucket, and answers 503 LOG_WRITE_FAILED once S3 is gone', async () => {
    const args = [
      'serve',
      '--port',
      '0',
      '--model',
      join(root, 'model'),
      '--s3-endpoint',
      s3.endpoint,
      '--bucket',
      s3.bucket,
    ];
    const child = spawn(process.execPath, [join(REPO, 'bin/vigil.mjs'), ...args], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' },
    });
    const exit = new Promise<number | null>((r) => child.on('exit', r));
    let out = '';
    child.stdout?.on('data', (d) => (out += d));
    try {
      const url = await new Promise<string>((res, rej) => {
        child.stdout?.on('data', () => {
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m) res(m[1]);
        });
        child.on('exit', (c) => rej(new Error(`serve exited ${c}`)));
      });
      expect(out).toMatch(/log: s3:\/\/vigil-log/);
      const ok = await fetch(`${url}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ texts: ['good', 'bad'] }),
      });
      expect(ok.status).toBe(200);
      const listed = await s3
        .client()
        .send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: 'predictions/' }));
      expect(listed.Contents?.map((o) => o.Key)).toEqual([
        expect.stringMatching(/^predictions\/model=fixture-sentiment\/version=1\.0\.0\/date=.*\.parquet$/),
      ]);

      await s3.kill();
      const failed = await fetch(`${url}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'lost?' }),
      });
      expect(failed.status).toBe(503);
      expect((await failed.json()).error.code).toBe('LOG_WRITE_FAILED');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exit).toBe(0);
  });
});

describe('vigil serve when S3 dies mid-run', () => {
  it('every 200 response has its ids in the log; every other answer is 503 LOG_WRITE_FAILED', async () => {
    // Prepare: the test above leaves the S3 server killed.
    await s3.restart();
    const served = await startServe([
      '--model',
      join(root, 'model'),
      '--s3-endpoint',
      s3.endpoint,
      '--bucket',
      s3.bucket,
    ]);
    const ok: string[] = [];
    const statuses: number[] = [];
    try {
      // Act: 8 waves of 4 concurrent requests; the S3 server is killed after the third wave.
      for (let wave = 0; wave < 8; wave++) {
        if (wave === 3) await s3.kill();
        const answers = await Promise.all(
          Array.from({ length: 4 }, (_, k) =>
            fetch(`${served.url}/predict`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ texts: [`wave ${wave} request ${k}`, 'a second text'] }),
            }),
          ),
        );
        for (const res of answers) {
          statuses.push(res.status);
          const body = await res.json();
          if (res.status === 200) ok.push(...body.predictions.map((p: { id: string }) => p.id));
          else expect(body.error.code).toBe('LOG_WRITE_FAILED');
        }
      }
    } finally {
      served.child.kill('SIGTERM');
    }
    expect(await served.exit).toBe(0);

    // Assess: only 200s and 503s, both seen; after a restart every acknowledged id is in the bucket.
    expect(new Set(statuses)).toEqual(new Set([200, 503]));
    expect(ok.length).toBeGreaterThanOrEqual(3 * 4 * 2);
    await s3.restart();
    const store = createS3Store({ client: s3.client(), bucket: s3.bucket });
    const logged = new Set(
      (
        await readPredictions(store, {
          model: 'fixture-sentiment',
          version: '1.0.0',
          from: new Date(Date.now() - 3_600_000),
          to: new Date(Date.now() + 60_000),
        })
      ).map((r) => r.id),
    );
    for (const id of ok) expect(logged.has(id)).toBe(true);
  });
});
