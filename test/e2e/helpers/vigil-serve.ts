/** `vigil serve` as a child process for the end-to-end tests of POST /log and the clients. */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { decodePredictions } from '../../../functions/lib/records/parquet.ts';
import type { PredictionRecord } from '../../../functions/lib/records/schema.ts';

export const REPO = resolve(import.meta.dirname, '../../..');

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  stop: () => Promise<void>;
}

/** Starts `node bin/vigil.mjs serve --port 0 ...args` and resolves once it prints its URL. */
export async function startServeProcess(args: string[]): Promise<ServeProcess> {
  const child = spawn(process.execPath, [join(REPO, 'bin/vigil.mjs'), 'serve', '--port', '0', ...args], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`vigil serve did not start: ${out}`)), 60_000);
    const onData = () => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolveUrl(m[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`vigil serve exited with ${code}: ${out}`));
    });
  });
  return {
    child,
    url,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(killer);
      }
    },
  };
}

/** Every prediction record in a data dir's log (all models, all part files, repeats included). */
export async function readLoggedRecords(dataDir: string, model?: string): Promise<PredictionRecord[]> {
  const root = join(dataDir, 'predictions', ...(model ? [`model=${model}`] : []));
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  const files = entries.filter((e) => e.isFile() && e.name.endsWith('.parquet'));
  const out: PredictionRecord[] = [];
  for (const f of files)
    out.push(...(await decodePredictions(new Uint8Array(await readFile(join(f.parentPath, f.name))))));
  return out;
}
