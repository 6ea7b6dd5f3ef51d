/** What the CLI end-to-end tests share: running `vigil` as a child process and logging traffic. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createLocalStore } from '../../../functions/adapters/local-store.ts';
import { buildPredictionRecords } from '../../../functions/lib/http/prediction-records.ts';
import { loadTextClassifier } from '../../../functions/lib/inference/index.ts';
import { sha256Hex } from '../../../functions/predict/make-handler.ts';

const run = promisify(execFile);
const VIGIL = fileURLToPath(new URL('../../../bin/vigil.mjs', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/vigil.mjs ...args` to completion; a non-zero exit is a result, not a throw. */
export async function vigil(args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [VIGIL, ...args], { maxBuffer: 1 << 26 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** Runs `texts` through the bundle and writes them to the data dir's log as one request at `timestampMs`. */
export async function logPredictions(
  bundleDir: string,
  dataDir: string,
  texts: string[],
  timestampMs: number,
): Promise<void> {
  const classifier = await loadTextClassifier(bundleDir);
  try {
    const store = createLocalStore(dataDir);
    const records = buildPredictionRecords(texts, await classifier.predict(texts), {
      ids: texts.map(() => store.nextPartId()),
      timestampMs,
      model: { name: classifier.info.name, version: classifier.info.version },
      latencyMs: 1,
      requestId: 'e2e',
      storeText: true,
      hashText: sha256Hex,
    });
    await store.putPredictions(records);
  } finally {
    await classifier.close();
  }
}
