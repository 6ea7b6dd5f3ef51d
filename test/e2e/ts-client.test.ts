import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LogRecord, VigilClient, VigilError } from '../../clients/ts/src/index.ts';
import { THREE_LABEL_SPEC, writeFixtureBundle } from '../fixtures/bundles/build-bundle.ts';
import { REPO, readLoggedRecords, type ServeProcess, startServeProcess } from './helpers/vigil-serve.ts';

const run = promisify(execFile);
const LABELS = ['negative', 'neutral', 'positive'];
const DIM = 8;

let root: string;
let dataDir: string;
let serve: ServeProcess;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vigil-ts-client-'));
  dataDir = join(root, 'data');
  await writeFixtureBundle(join(root, 'model'), THREE_LABEL_SPEC);
  serve = await startServeProcess(['--model', join(root, 'model'), '--data-dir', dataDir]);
});

afterAll(async () => {
  await serve?.stop();
  await rm(root, { recursive: true, force: true });
});

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

function clientFor(version: string, extra: Partial<ConstructorParameters<typeof VigilClient>[0]> = {}) {
  const errors: { error: VigilError; records: LogRecord[] }[] = [];
  const client = new VigilClient({
    url: serve.url,
    model: 'ts-client',
    version,
    flushAtExit: false,
    onError: (error, records) => errors.push({ error, records }),
    ...extra,
  });
  return { client, errors };
}

describe('TypeScript client against vigil serve', () => {
  it('declares a model version once and reads it back', async () => {
    // Prepare
    const { client } = clientFor('declare');
    const declaration = {
      labels: LABELS,
      embeddingDim: DIM,
      score: true,
      fields: { language: 'string:segment', length: 'number' },
      monitors: { window: '12h' },
    };
    // Act
    const created = await client.createModelVersion(declaration);
    const again = await client.createModelVersion(declaration);
    const read = await client.getModelVersion();
    // Assess
    expect(created).toMatchObject({
      name: 'ts-client',
      version: 'declare',
      origin: 'logged',
      embedding_dim: DIM,
    });
    expect(created.fields).toEqual([
      { name: 'language', type: 'string', segment: true },
      { name: 'length', type: 'number', segment: false },
    ]);
    expect(again).toEqual(created);
    expect(read).toEqual(created);
    await client.close();
  });

  it('a bad declaration is refused with the JSON path, an unknown one is MODEL_NOT_FOUND', async () => {
    const { client } = clientFor('bad');
    const refused = await client
      .createModelVersion({
        labels: LABELS,
        embeddingDim: DIM,
        monitors: { embedding_drift: { mmd: { alert: 2 } } },
      })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(VigilError);
    expect(refused).toMatchObject({ status: 400, code: 'INVALID_MODEL_VERSION' });
    expect((refused as Error).message).toMatch(/monitors\.embedding_drift\.mmd\.alert/);
    await expect(client.getModelVersion()).rejects.toMatchObject({ status: 404, code: 'MODEL_NOT_FOUND' });
    await client.close();
  });

  it('logs records in batches by count and they are in the log with their fields', async () => {
    // Prepare
    const rnd = seeded(1);
    const { client, errors } = clientFor('logged', { maxBatchRecords: 100, maxBatchAgeMs: 60_000 });
    await client.createModelVersion({
      labels: LABELS,
      embeddingDim: DIM,
      fields: { language: 'string:segment' },
    });
    const start = Date.now() - 3_600_000;
    // Act
    const ids = Array.from({ length: 250 }, (_, i) =>
      client.log({
        embedding: Float32Array.from({ length: DIM }, rnd),
        label: LABELS[i % 3],
        fields: { language: ['en', 'de', 'fr'][i % 3] },
        timestamp: new Date(start + i * 1000),
      }),
    );
    await client.flush();
    // Assess
    expect(errors).toEqual([]);
    expect(client.stats).toMatchObject({ queued: 250, sent: 250, batches: 3, dropped: 0, rejected: 0 });
    const logged = await readLoggedRecords(dataDir, 'ts-client');
    const byId = new Map(logged.filter((r) => r.model_version === 'logged').map((r) => [r.id, r]));
    expect([...byId.keys()].sort()).toEqual([...(ids as string[])].sort());
    const r7 = byId.get(ids[7] as string);
    expect(r7?.fields).toEqual({ language: 'de' });
    expect(r7?.label).toBe('neutral');
    expect(r7?.timestamp.getTime()).toBe(start + 7000);
    expect(r7?.token_count).toBeNull();
    await client.close();
  });

  it('closes a batch before its JSON grows past maxBatchBytes', async () => {
    const sizes: number[] = [];
    const measuring: typeof fetch = (input, init) => {
      if (String(input).endsWith('/log')) sizes.push(Buffer.byteLength(String(init?.body)));
      return fetch(input, init);
    };
    const { client, errors } = clientFor('bytes', { fetch: measuring, maxBatchBytes: 4096 });
    await client.createModelVersion({ labels: LABELS, embeddingDim: 80 });
    for (let i = 0; i < 12; i++) client.log({ embedding: new Array(80).fill(0.123456789), label: 'neutral' });
    await client.flush();
    expect(errors).toEqual([]);
    expect(sizes.length).toBeGreaterThan(2);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4096);
    expect(client.stats.sent).toBe(12);
    await client.close();
  });

  it('sends a partial batch once it is maxBatchAgeMs old', async () => {
    const { client } = clientFor('aged', { maxBatchAgeMs: 100 });
    await client.createModelVersion({ labels: LABELS, embeddingDim: DIM });
    client.log({ embedding: new Array(DIM).fill(0.5), label: 'positive' });
    const deadline = Date.now() + 10_000;
    while (client.stats.sent === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(client.stats.sent).toBe(1);
    await client.close();
  });

  it('retries a 503 with the same ids and the log keeps one copy of each', async () => {
    // Prepare: the first POST /log answers 503 after the server has written it (an answer lost)
    let calls = 0;
    const bodies: string[] = [];
    const flaky: typeof fetch = async (input, init) => {
      calls++;
      bodies.push(String(init?.body ?? ''));
      const res = await fetch(input, init);
      if (calls === 2)
        return new Response('{"error":{"code":"LOG_WRITE_FAILED","message":"x"}}', { status: 503 });
      return res;
    };
    const { client, errors } = clientFor('retried', { fetch: flaky, sleep: async () => {} });
    await client.createModelVersion({ labels: LABELS, embeddingDim: DIM });
    const rnd = seeded(2);
    // Act
    const ids = Array.from({ length: 5 }, () =>
      client.log({ embedding: Array.from({ length: DIM }, rnd), label: 'negative' }),
    );
    await client.flush();
    // Assess
    expect(errors).toEqual([]);
    expect(client.stats).toMatchObject({ sent: 5, retries: 1, batches: 1 });
    expect(bodies[1]).toBe(bodies[2]);
    const logged = (await readLoggedRecords(dataDir, 'ts-client')).filter(
      (r) => r.model_version === 'retried',
    );
    expect(logged).toHaveLength(10); // written twice ...
    expect(new Set(logged.map((r) => r.id))).toEqual(new Set(ids)); // ... under the same five ids
    await client.close();
  });

  it('a record that breaks the schema rejects its batch, not retried, nothing written', async () => {
    const { client, errors } = clientFor('rejected');
    await client.createModelVersion({ labels: LABELS, embeddingDim: DIM });
    client.log({ embedding: new Array(DIM).fill(0.1), label: 'positive' });
    client.log({ embedding: new Array(DIM + 1).fill(0.1), label: 'positive' });
    await client.flush();
    expect(errors).toHaveLength(1);
    expect(errors[0].error).toMatchObject({
      status: 400,
      code: 'SCHEMA_MISMATCH',
      index: 1,
      field: 'embedding',
    });
    expect(errors[0].records).toHaveLength(2);
    expect(client.stats).toMatchObject({ rejected: 2, retries: 0, sent: 0 });
    expect(client.lastError?.code).toBe('SCHEMA_MISMATCH');
    const logged = (await readLoggedRecords(dataDir, 'ts-client')).filter(
      (r) => r.model_version === 'rejected',
    );
    expect(logged).toEqual([]);
    await client.close();
  });

  it('a different schema for a version that has records is SCHEMA_CONFLICT', async () => {
    const { client } = clientFor('conflict');
    await client.createModelVersion({ labels: LABELS, embeddingDim: DIM });
    client.log({ embedding: new Array(DIM).fill(0.2), label: 'neutral' });
    await client.flush();
    expect(client.stats.sent).toBe(1);
    await expect(client.createModelVersion({ labels: LABELS, embeddingDim: DIM + 1 })).rejects.toMatchObject({
      status: 409,
      code: 'SCHEMA_CONFLICT',
    });
    expect((await client.getModelVersion()).embedding_dim).toBe(DIM);
    await client.close();
  });

  it('drops new records when the queue is full, without waiting', async () => {
    const { client } = clientFor('dropped', { maxQueue: 3, maxBatchAgeMs: 60_000 });
    await client.createModelVersion({ labels: LABELS, embeddingDim: DIM });
    const ids = Array.from({ length: 5 }, () =>
      client.log({ embedding: new Array(DIM).fill(0), label: 'neutral' }),
    );
    expect(ids.filter((id) => id === null)).toHaveLength(2);
    expect(client.stats).toMatchObject({ queued: 3, dropped: 2 });
    await client.close();
    expect(client.stats.sent).toBe(3);
    expect(() => client.log({ embedding: [0], label: 'neutral' })).toThrow(/closed/);
  });
});

describe('SigV4', () => {
  it('signs POST /log as the Python client does for the same request', async () => {
    // Prepare: a server that only records what it receives
    const seen: { headers: IncomingHttpHeaders; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        seen.push({ headers: req.headers, body });
        const ids = (JSON.parse(body) as { records: { id: string }[] }).records.map((r) => r.id);
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ accepted: ids.length, ids }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const when = new Date('2026-12-01T10:00:00Z');
    const client = new VigilClient({
      url,
      model: 'm',
      version: '1',
      awsRegion: 'eu-west-1',
      credentials: async () => ({
        accessKeyId: 'AKIDEXAMPLE',
        secretAccessKey: 'SECRET',
        sessionToken: 'TOKEN',
      }),
      now: () => when,
      flushAtExit: false,
    });
    // Act
    client.log({ embedding: [0.25, -1], label: 'a', id: '0190a0b0-0000-7000-8000-000000000001' });
    await client.close();
    server.close();
    // Assess: the Python client's signer (standard library) gives the same signature
    const { headers, body } = seen[0];
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20261201\/eu-west-1\/execute-api\//,
    );
    expect(headers['x-amz-security-token']).toBe('TOKEN');
    const signedNames = /SignedHeaders=([^,]+)/.exec(String(headers.authorization))?.[1].split(';') ?? [];
    const signed = Object.fromEntries(
      signedNames.filter((n) => n !== 'host').map((n) => [n, String(headers[n])]),
    );
    const script = [
      'import sys, json, datetime as dt',
      `sys.path.insert(0, ${JSON.stringify(join(REPO, 'clients/python'))})`,
      'from vigil_client import sign_request, Credentials',
      'a = json.loads(sys.argv[1])',
      "h = {k: v for k, v in a['headers'].items() if k not in ('x-amz-date', 'x-amz-security-token', 'authorization')}",
      "out = sign_request('POST', a['url'], h, a['body'].encode(), region='eu-west-1',",
      "  credentials=Credentials('AKIDEXAMPLE', 'SECRET', 'TOKEN'), now=dt.datetime(2026, 12, 1, 10, tzinfo=dt.timezone.utc))",
      "print(out['authorization'])",
    ].join('\n');
    const py = await run('python3', [
      '-c',
      script,
      JSON.stringify({ url: `${url}/log`, headers: signed, body }),
    ]);
    expect(py.stdout.trim()).toBe(headers.authorization);
  });
});

describe('SigV4 credentials', () => {
  it("come from the AWS SDK's default chain when none are given (here: the environment)", async () => {
    // Prepare
    const seen: IncomingHttpHeaders[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers);
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"accepted":1}'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'AKIDFROMENV',
      AWS_SECRET_ACCESS_KEY: 'secret-from-env',
      AWS_SESSION_TOKEN: 'token-from-env',
    });
    try {
      const client = new VigilClient({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        model: 'm',
        version: '1',
        awsRegion: 'us-east-2',
        flushAtExit: false,
      });
      // Act
      client.log({ embedding: [1], label: 'a' });
      await client.close();
      // Assess
      expect(client.stats.sent).toBe(1);
      expect(seen[0].authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDFROMENV\/\d{8}\/us-east-2\/execute-api\//,
      );
      expect(seen[0]['x-amz-security-token']).toBe('token-from-env');
    } finally {
      process.env = saved;
      server.close();
    }
  });
});

describe("import { VigilClient } from 'vigil/client'", () => {
  it('works from a project that depends on vigil, in JavaScript and in TypeScript', async () => {
    // Prepare: build the package's client, and a consumer project with vigil in its node_modules
    await run(process.execPath, [join(REPO, 'clients/ts/build.mjs')], { cwd: REPO });
    const app = join(root, 'consumer');
    await mkdir(join(app, 'node_modules'), { recursive: true });
    await symlink(REPO, join(app, 'node_modules', 'vigil'), 'dir');
    await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module' }));
    await writeFile(
      join(app, 'use.mjs'),
      [
        "import { VigilClient, meanPool } from 'vigil/client';",
        `const c = new VigilClient({ url: ${JSON.stringify(serve.url)}, model: 'ts-client', version: 'consumer' });`,
        "await c.createModelVersion({ labels: ['a', 'b'], embeddingDim: 2 });",
        "c.log({ embedding: meanPool([[1, 2], [3, 4], [9, 9]], [1, 1, 0]), label: 'a' });",
        'await c.close();',
        'console.log(JSON.stringify(c.stats));',
      ].join('\n'),
    );
    await writeFile(
      join(app, 'use.ts'),
      [
        "import { type LogRecord, VigilClient } from 'vigil/client';",
        "const c = new VigilClient({ url: 'http://x', model: 'm', version: '1' });",
        "const r: LogRecord = { embedding: [1], label: 'a' };",
        'const id: string | null = c.log(r);',
        'export { id };',
      ].join('\n'),
    );
    await writeFile(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          types: [],
        },
        files: ['use.ts'],
      }),
    );
    // Act
    const js = await run(process.execPath, ['use.mjs'], { cwd: app });
    const tsc = await run(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', app], {
      cwd: app,
    }).then(
      () => 0,
      (e: { stdout: string }) => e.stdout,
    );
    // Assess
    expect(JSON.parse(js.stdout)).toMatchObject({ sent: 1, rejected: 0 });
    const logged = (await readLoggedRecords(dataDir, 'ts-client')).filter(
      (r) => r.model_version === 'consumer',
    );
    expect(Array.from(logged[0].embedding)).toEqual([2, 3]);
    expect(tsc).toBe(0);
  }, 120_000);
});
