/**
 * Speed of the inference path (issue 2, "Speed"): warm handler latency for one text and for 64,
 * cold start, tokenizer throughput, and the resident memory of `vigil serve` over 10,000 requests.
 *
 *   node bin/run-ts.mjs bench/predict.ts [--model DIR] [--requests 10000] [--out FILE]
 *
 * Without --model it uses layers/model when present, else a generated bundle of a similar size.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

const REPO = resolve(import.meta.dirname, '..');

const WORDS = `the film was a wonderful story with brilliant acting and music but the ending felt slow and the
plot was a mess so i could not enjoy it although some scenes were funny charming and moving in a quiet way`.split(
  /\s+/,
);

/** Deterministic ~20-word review-like texts. */
function texts(n: number, words = 20): string[] {
  const out: string[] = [];
  let s = 12345;
  for (let i = 0; i < n; i++) {
    const t: string[] = [];
    for (let j = 0; j < words; j++) {
      s = (s * 1103515245 + 12345) >>> 0;
      t.push(WORDS[s % WORDS.length]);
    }
    out.push(t.join(' '));
  }
  return out;
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

function event(body: unknown): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/predict',
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    requestContext: {
      accountId: 'bench',
      apiId: 'bench',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: 'POST',
        path: '/predict',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'bench',
      },
      requestId: 'bench',
      routeKey: '$default',
      stage: '$default',
      time: '',
      timeEpoch: 0,
    },
    body: JSON.stringify(body),
    isBase64Encoded: false,
  };
}

async function coldStartChild(modelDir: string): Promise<void> {
  const t0 = performance.now();
  const { loadTextClassifier: load } = await import('../functions/lib/inference/index.ts');
  const t1 = performance.now();
  const c = await load(modelDir);
  await c.predict(texts(1));
  const t2 = performance.now();
  process.stdout.write(JSON.stringify({ importMs: t1 - t0, loadAndFirstPredictMs: t2 - t1 }));
}

function runChild(args: string[]): Promise<string> {
  return new Promise((resolveOut, reject) => {
    const child = spawn(process.execPath, [join(REPO, 'bin/run-ts.mjs'), ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolveOut(out) : reject(new Error(`child exited ${code}`))));
  });
}

function rssMb(pid: number): Promise<number> {
  return readFile(`/proc/${pid}/status`, 'utf8').then(
    (s) => Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? 0) / 1024,
  );
}

async function serveMemory(modelDir: string, requests: number) {
  const dataDir = await mkdtemp(join(tmpdir(), 'vigil-bench-serve-'));
  const child: ChildProcess = spawn(
    process.execPath,
    [join(REPO, 'bin/vigil.mjs'), 'serve', '--port', '0', '--model', modelDir, '--data-dir', dataDir],
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
    // Drop the per-request log lines; only memory matters here.
    child.stdout?.removeAllListeners('data');
    child.stdout?.resume();
    const pid = child.pid as number;
    const body = texts(64);
    const samples: { requests: number; rssMb: number }[] = [
      { requests: 0, rssMb: round(await rssMb(pid), 1) },
    ];
    const concurrency = 8;
    let sent = 0;
    const started = performance.now();
    const worker = async () => {
      while (sent < requests) {
        const i = sent++;
        const res = await fetch(`${url}/predict`, {
          method: 'POST',
          body: JSON.stringify({ text: body[i % 64] }),
        });
        if (res.status !== 200) throw new Error(`request ${i}: ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
        if ((i + 1) % 1000 === 0) samples.push({ requests: i + 1, rssMb: round(await rssMb(pid), 1) });
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const seconds = (performance.now() - started) / 1000;
    return { requests, concurrency, requestsPerSecond: round(requests / seconds, 0), samples };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      model: { type: 'string' },
      requests: { type: 'string', default: '10000' },
      out: { type: 'string' },
      'cold-start-child': { type: 'string' },
    },
  });
  if (values['cold-start-child']) return coldStartChild(values['cold-start-child']);
  // Imported here, not at the top, so the cold-start child pays for loading ONNX Runtime itself.
  const { loadTextClassifier } = await import('../functions/lib/inference/index.ts');
  const { makeHandler } = await import('../functions/predict/make-handler.ts');
  const { TWO_LABEL_SPEC, writeFixtureBundle } = await import('../test/fixtures/bundles/build-bundle.ts');

  let tmp: string | undefined;
  let modelDir = values.model ?? join(REPO, 'layers/model');
  let bundle = values.model ? 'given' : 'default (layers/model)';
  if (!existsSync(join(modelDir, 'config.json'))) {
    tmp = await mkdtemp(join(tmpdir(), 'vigil-bench-'));
    // Sized like the default model (tools/train/bundle.ts): 10k vocab, 64-dim embeddings, 128 hidden, 128 tokens.
    modelDir = await writeFixtureBundle(join(tmp, 'bench-model'), {
      ...TWO_LABEL_SPEC,
      vocabSize: 10_000,
      embedDim: 64,
      hiddenSize: 128,
      maxLength: 128,
    });
    bundle =
      'generated (layers/model not present): vocab 10000, embed 64, hidden 128, kernel 3, max length 128';
  }

  const cold: number[] = [];
  let importMs = 0;
  for (let i = 0; i < 5; i++) {
    const r = JSON.parse(await runChild([join(REPO, 'bench/predict.ts'), '--cold-start-child', modelDir]));
    cold.push(r.loadAndFirstPredictMs);
    importMs = r.importMs;
  }
  cold.sort((a, b) => a - b);

  const classifier = await loadTextClassifier(modelDir);
  const handler = makeHandler({
    classifier,
    log: { putPredictions: async () => undefined },
    storeText: true,
    now: Date.now,
    elapsedMs: () => performance.now(),
    randomBytes: (n) => randomBytes(n),
  });
  const one = texts(500);
  for (let i = 0; i < 300; i++) await handler(event({ text: one[i % one.length] }));
  const single: number[] = [];
  for (let i = 0; i < 3000; i++) {
    const ev = event({ text: one[i % one.length] });
    const t = performance.now();
    const res = await handler(ev);
    single.push(performance.now() - t);
    if (res.statusCode !== 200) throw new Error(res.body);
  }
  single.sort((a, b) => a - b);

  const batch64 = texts(64);
  const batch: number[] = [];
  for (let i = 0; i < 10; i++) await handler(event({ texts: batch64 }));
  for (let i = 0; i < 100; i++) {
    const t = performance.now();
    await handler(event({ texts: batch64 }));
    batch.push(performance.now() - t);
  }
  batch.sort((a, b) => a - b);

  const corpus = texts(20_000);
  const tokStart = performance.now();
  let tokens = 0;
  for (const t of corpus) tokens += classifier.tokenizer.encode(t).tokenCount;
  const tokSeconds = (performance.now() - tokStart) / 1000;
  await classifier.close();

  const memory = await serveMemory(modelDir, Number(values.requests));
  if (tmp) await rm(tmp, { recursive: true, force: true });

  const result = {
    date: new Date().toISOString(),
    node: process.version,
    bundle,
    model: { ...classifier.info, labels: classifier.info.labels.length },
    warmSingleTextMs: {
      p50: round(single[Math.floor(single.length / 2)]),
      p99: round(quantile(single, 0.99)),
      n: single.length,
      target: 'p50 <= 1.5, p99 <= 5',
    },
    batch64Ms: {
      p50: round(quantile(batch, 0.5)),
      p99: round(quantile(batch, 0.99)),
      n: batch.length,
      target: '<= 15',
    },
    coldStartMs: {
      median: round(cold[2]),
      max: round(cold[4]),
      runs: 5,
      moduleImportMs: round(importMs),
      target: '<= 500 (load + first prediction)',
    },
    tokenizer: {
      textsPerSecond: round(corpus.length / tokSeconds, 0),
      tokensPerSecond: round(tokens / tokSeconds, 0),
      wordsPerText: 20,
    },
    serveMemory: { ...memory, target: '<= 300 MB, not growing' },
  };
  const json = JSON.stringify(result, null, 2);
  console.log(json);
  if (values.out) await writeFile(values.out, `${json}\n`);
}

await main();
