import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TWO_LABEL_SPEC, writeFixtureBundle } from '../fixtures/bundles/build-bundle.ts';
import { readLoggedRecords, type ServeProcess, startServeProcess } from './helpers/vigil-serve.ts';

const MODEL = { name: 'validation', version: '1' };
const LABELS = ['negative', 'neutral', 'positive'];
const DIM = 4;
const MINUTE = 60_000;
const DAY = 86_400_000;

let root: string;
let dataDir: string;
let serve: ServeProcess;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vigil-log-validation-'));
  dataDir = join(root, 'data');
  await writeFixtureBundle(join(root, 'model'), TWO_LABEL_SPEC);
  serve = await startServeProcess(['--model', join(root, 'model'), '--data-dir', dataDir]);
  const res = await fetch(`${serve.url}/models/${MODEL.name}/versions/${MODEL.version}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      labels: LABELS,
      embedding_dim: DIM,
      text: false,
      score: true,
      probabilities: true,
      fields: [
        { name: 'language', type: 'string', segment: true },
        { name: 'length', type: 'number' },
        { name: 'premium', type: 'boolean' },
      ],
    }),
  });
  expect(res.status).toBe(201);
});

afterAll(async () => {
  await serve?.stop();
  await rm(root, { recursive: true, force: true });
});

type Rec = Record<string, unknown>;

// JSON has no Infinity; 1e999 is valid JSON that JSON.parse reads as Infinity. post() writes these raw.
const INFINITE = '<1e999>';
const NEG_INFINITE = '<-1e999>';

function good(overrides: Rec = {}): Rec {
  return {
    embedding: [0.1, -0.2, 0.3, 0.4],
    label: 'positive',
    score: 0.7,
    probabilities: [0.1, 0.2, 0.7],
    fields: { language: 'de', length: 12, premium: false },
    ...overrides,
  };
}

/** A batch of three good records with `bad` at index 1. */
const batchWith = (bad: Rec) => ({ model: MODEL, records: [good(), good(bad), good()] });

async function post(body: unknown, init: { contentType?: string; raw?: string } = {}) {
  const res = await fetch(`${serve.url}/log`, {
    method: 'POST',
    headers: { 'content-type': init.contentType ?? 'application/json' },
    body: init.raw ?? JSON.stringify(body).replace(/"<(-?1e999)>"/g, '$1'),
  });
  return {
    status: res.status,
    json: (await res.json()) as { error?: Rec; accepted?: number; ids?: string[] },
  };
}

/**
 * POST over a plain socket that sends the headers and waits for an answer before the body, as a
 * client sending `Expect: 100-continue` does: the server refuses a declared size over its limit at
 * once and closes, which fetch would report only as a broken pipe while still sending.
 */
const logCount = async () => (await readLoggedRecords(dataDir)).length;

/** Posts, and asserts the answer and that the log holds exactly as many records as before. */
async function expectRefused(
  send: () => Promise<{ status: number; json: { error?: Rec } }>,
  status: number,
  error: Rec,
): Promise<void> {
  const before = await logCount();
  const res = await send();
  expect(res.status, JSON.stringify(res.json)).toBe(status);
  expect(res.json.error).toMatchObject(error);
  expect(typeof res.json.error?.message).toBe('string');
  expect(await logCount()).toBe(before);
}

describe('POST /log validation over HTTP: one bad record refuses the batch, nothing is written', () => {
  it('a good batch is written (the counting sees records land)', async () => {
    const before = await logCount();
    const res = await post({ model: MODEL, records: [good(), good({ label: 'neutral' })] });
    expect(res.status).toBe(200);
    expect(res.json.accepted).toBe(2);
    expect(await logCount()).toBe(before + 2);
  });

  it.each([
    ['an embedding of the wrong length', { embedding: [0.1, 0.2, 0.3] }, 'embedding'],
    ['an embedding that is not a list', { embedding: 'x' }, 'embedding'],
    [
      'a non-finite embedding value (1e999 parses to Infinity)',
      { embedding: [0.1, INFINITE, 0.3, 0.4] },
      'embedding[1]',
    ],
    ['an embedding value outside float32', { embedding: [0.1, 0.2, 1e39, 0.4] }, 'embedding[2]'],
    ['a label that is not declared', { label: 'sarcastic' }, 'label'],
    ['probabilities summing to 1.01', { probabilities: [0.11, 0.2, 0.7] }, 'probabilities'],
    ['probabilities of the wrong length', { probabilities: [0.3, 0.7] }, 'probabilities'],
    ['a non-finite probability', { probabilities: [0.1, NEG_INFINITE, 0.7] }, 'probabilities[1]'],
    [
      'a string field given a number',
      { fields: { language: 7, length: 1, premium: true } },
      'fields.language',
    ],
    [
      'a number field given a string',
      { fields: { language: 'de', length: '12', premium: true } },
      'fields.length',
    ],
    [
      'a boolean field given a string',
      { fields: { language: 'de', length: 1, premium: 'yes' } },
      'fields.premium',
    ],
    ['a field that is not declared', { fields: { language: 'de', country: 'DE' } }, 'fields.country'],
    ['a timestamp 6 minutes in the future', { timestamp: Date.now() + 6 * MINUTE }, 'timestamp'],
    [
      'a timestamp older than the 7-day backfill limit',
      { timestamp: new Date(Date.now() - 8 * DAY).toISOString() },
      'timestamp',
    ],
    ['a timestamp that is not a time', { timestamp: 'yesterday' }, 'timestamp'],
    ['an id that is not a UUID', { id: 'record-1' }, 'id'],
    ['a score outside 0-1', { score: 1.5 }, 'score'],
  ])('SCHEMA_MISMATCH for %s, naming index 1 and the field', async (_what, bad, field) => {
    await expectRefused(() => post(batchWith(bad)), 400, { code: 'SCHEMA_MISMATCH', index: 1, field });
  });

  it('the tolerances hold from the accepting side too: sum 1 ± 1e-3, 4 minutes ahead, 6 days back', async () => {
    const before = await logCount();
    const res = await post({
      model: MODEL,
      records: [
        good({ probabilities: [0.1005, 0.2, 0.7] }),
        good({ timestamp: Date.now() + 4 * MINUTE }),
        good({ timestamp: new Date(Date.now() - 6 * DAY).toISOString() }),
      ],
    });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(await logCount()).toBe(before + 3);
  });

  it('MODEL_NOT_FOUND (404) for a model version never declared', async () => {
    await expectRefused(() => post({ model: { name: 'validation', version: '2' }, records: [good()] }), 404, {
      code: 'MODEL_NOT_FOUND',
    });
  });

  it('BATCH_TOO_LARGE (400, as on /predict) for 1001 records', async () => {
    const records = Array.from({ length: 1001 }, () => good());
    await expectRefused(() => post({ model: MODEL, records }), 400, { code: 'BATCH_TOO_LARGE' });
  });

  it('PAYLOAD_TOO_LARGE (413) for a body over 5 MB', async () => {
    // The server drains an oversized body before answering, so a client that sends it whole gets the 413.
    const envelope = JSON.stringify({ model: MODEL, records: [good({ pad: '' })] });
    const raw = envelope.replace(
      '"pad":""',
      `"pad":"${'x'.repeat(5 * 1024 * 1024 - envelope.length + 100)}"`,
    );
    expect(Buffer.byteLength(raw)).toBe(5 * 1024 * 1024 + 100);
    await expectRefused(() => post(null, { raw }), 413, { code: 'PAYLOAD_TOO_LARGE' });
  });

  it('INVALID_JSON (400) for a body that is not JSON', async () => {
    await expectRefused(() => post(null, { raw: '{"model": {"name": "validation"' }), 400, {
      code: 'INVALID_JSON',
    });
  });

  it('UNSUPPORTED_MEDIA_TYPE (415) for a body that is not application/json', async () => {
    await expectRefused(
      () =>
        post(null, { contentType: 'text/plain', raw: JSON.stringify({ model: MODEL, records: [good()] }) }),
      415,
      { code: 'UNSUPPORTED_MEDIA_TYPE' },
    );
  });
});
