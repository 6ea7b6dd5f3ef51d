/**
 * `vigil serve` killed with SIGKILL in the middle of a loopback load (issue 15, fault tests): every id
 * the server answered 200 for is in the log exactly once. Bounded: 8 clients until about 200 ids are
 * answered (at most 20 s).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePredictionRows } from '../../functions/lib/records/parquet.ts';
import { TWO_LABEL_SPEC, writeFixtureBundle } from '../fixtures/bundles/build-bundle.ts';

const REPO = resolve(import.meta.dirname, '../..');
const CLIENTS = 8;
// The kill comes once this many ids were answered (or after MAX_LOAD_MS on a slow runner).
const KILL_AFTER_IDS = 200;
const MAX_LOAD_MS = 20_000;

let root: string;
let child: ChildProcess | undefined;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vigil-serve-kill-'));
  await writeFixtureBundle(join(root, 'model'), TWO_LABEL_SPEC);
});
afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await rm(root, { recursive: true, force: true });
});

async function startServe(dataDir: string): Promise<string> {
  child = spawn(
    process.execPath,
    [
      join(REPO, 'bin/vigil.mjs'),
      'serve',
      '--port',
      '0',
      '--model',
      join(root, 'model'),
      '--data-dir',
      dataDir,
    ],
    { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stderr?.on('data', (d) => (out += d));
  return new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 30_000);
    child?.stdout?.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    });
    child?.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
  });
}

async function idsInLog(dataDir: string): Promise<string[]> {
  const entries = await readdir(join(dataDir, 'predictions'), { recursive: true, withFileTypes: true }).catch(
    () => [],
  );
  const ids: string[] = [];
  for (const e of entries.filter((x) => x.isFile() && x.name.endsWith('.parquet'))) {
    const rows = await decodePredictionRows(new Uint8Array(await readFile(join(e.parentPath, e.name))));
    ids.push(...rows.map((r) => r.id));
  }
  return ids;
}

describe('vigil serve killed with SIGKILL under load', () => {
  it('has every id it answered 200 for in the log exactly once', async () => {
    // Prepare
    const dataDir = join(root, 'data');
    const url = await startServe(dataDir);
    const answered: string[] = [];
    let stop = false;
    const client = async (k: number) => {
      for (let i = 0; !stop; i++) {
        try {
          const res = await fetch(`${url}/predict`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ texts: [`client ${k} request ${i}`, 'a second text'] }),
          });
          if (res.status !== 200) continue;
          const body = (await res.json()) as { predictions: { id: string }[] };
          answered.push(...body.predictions.map((p) => p.id));
        } catch {
          // The connection died with the server: this request has no answer to account for.
          return;
        }
      }
    };

    // Act: load, then SIGKILL mid-load (no shutdown handler runs).
    const clients = Array.from({ length: CLIENTS }, (_, k) => client(k));
    const deadline = Date.now() + MAX_LOAD_MS;
    while (answered.length < KILL_AFTER_IDS && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    const exited = new Promise((r) => child?.once('exit', r));
    child?.kill('SIGKILL');
    await exited;
    stop = true;
    await Promise.all(clients);

    // Assess
    expect(answered.length).toBeGreaterThan(0);
    const logged = await idsInLog(dataDir);
    const counts = new Map<string, number>();
    for (const id of logged) counts.set(id, (counts.get(id) ?? 0) + 1);
    const missing = answered.filter((id) => !counts.has(id));
    const repeated = answered.filter((id) => (counts.get(id) ?? 0) > 1);
    expect(missing).toEqual([]);
    expect(repeated).toEqual([]);
  });
});
