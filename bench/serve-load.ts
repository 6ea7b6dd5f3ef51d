/**
 * HTTP load on `vigil serve` with logging on (every prediction written to the local log before the
 * response): 8 clients on loopback, each sending POST /predict one at a time, bounded by a request count.
 * Reports requests/s, p50/p99 latency and the records found in the log afterwards.
 *
 *   node bin/run-ts.mjs bench/serve-load.ts [--requests 4000] [--clients 8] [--model layers/model]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const REPO = resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    requests: { type: 'string', default: '4000' },
    clients: { type: 'string', default: '8' },
    model: { type: 'string', default: join(REPO, 'layers', 'model') },
    out: { type: 'string', default: 'bench/serve-load.results.json' },
  },
});

const WORDS =
  'the film was a wonderful story with brilliant acting but the ending felt slow and the plot a mess'.split(
    ' ',
  );
const text = (i: number) =>
  Array.from({ length: 12 + (i % 9) }, (_, k) => WORDS[(i * 7 + k * 3) % WORDS.length]).join(' ');

async function countFiles(dir: string): Promise<number> {
  let n = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile() && e.name.endsWith('.parquet')) n++;
  return n;
}

async function main() {
  const requests = Number(args.requests);
  const clients = Number(args.clients);
  const dataDir = await mkdtemp(join(tmpdir(), 'vigil-bench-load-'));
  const child: ChildProcess = spawn(
    process.execPath,
    [
      join(REPO, 'bin/vigil.mjs'),
      'serve',
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--model',
      args.model as string,
      '--data-dir',
      dataDir,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    let out = '';
    const url = await new Promise<string>((res, rej) => {
      child.stdout?.on('data', (d) => {
        out += d;
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) res(m[1]);
      });
      child.on('exit', (c) => rej(new Error(`serve exited ${c}`)));
    });
    child.stdout?.removeAllListeners('data');
    child.stdout?.resume();
    if (!url.startsWith('http://127.0.0.1:')) throw new Error(`not loopback: ${url}`);
    // Warm-up outside the measurement.
    for (let i = 0; i < 20; i++)
      await (
        await fetch(`${url}/predict`, { method: 'POST', body: JSON.stringify({ text: text(i) }) })
      ).arrayBuffer();

    const latencies: number[] = [];
    let sent = 0;
    let failed = 0;
    const started = performance.now();
    const worker = async () => {
      while (sent < requests) {
        const i = sent++;
        const t0 = performance.now();
        const res = await fetch(`${url}/predict`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ text: text(i) }),
        });
        await res.arrayBuffer();
        latencies.push(performance.now() - t0);
        if (res.status !== 200) failed++;
      }
    };
    await Promise.all(Array.from({ length: clients }, worker));
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const q = (p: number) =>
      Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] * 10) / 10;
    const result = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version },
      requests,
      clients,
      failed,
      seconds: Math.round(seconds * 10) / 10,
      requestsPerSecond: Math.round(requests / seconds),
      p50Ms: q(0.5),
      p99Ms: q(0.99),
      logFiles: await countFiles(join(dataDir, 'predictions')),
    };
    console.log(JSON.stringify(result));
    await writeFile(args.out as string, `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
