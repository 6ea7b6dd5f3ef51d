import { beforeEach, describe, expect, it } from 'vitest';
import type { HttpApiHandler } from '../../../functions/lib/http/response.ts';
import { decodePredictions } from '../../../functions/lib/records/parquet.ts';
import { createRecordStore, type RecordStore } from '../../../functions/lib/records/store.ts';
import { makeHandler } from '../../../functions/log/make-handler.ts';
import { MemoryObjectStore } from '../records/memory-store.ts';
import { httpEvent } from './helpers.ts';

const NOW = Date.parse('2026-12-01T12:00:00.000Z');
const DECLARATION = {
  labels: ['negative', 'neutral', 'positive'],
  embedding_dim: 4,
  text: true,
  score: true,
  probabilities: true,
  fields: [
    { name: 'language', type: 'string', segment: true },
    { name: 'premium', type: 'boolean' },
  ],
};
const MODEL_PATH = '/models/reviews/versions/3';

function record(i: number, overrides: Record<string, unknown> = {}) {
  return {
    id: `0193a8c2-0000-7000-8000-${String(i).padStart(12, '0')}`,
    timestamp: new Date(NOW - 60_000).toISOString(),
    text: `review number ${i}`,
    embedding: [0.1, 0.2, 0.3, i],
    label: 'positive',
    score: 0.7,
    probabilities: [0.1, 0.2, 0.7],
    fields: { language: 'de', premium: i % 2 === 0 },
    ...overrides,
  };
}

function body(records: unknown[]) {
  return { model: { name: 'reviews', version: '3' }, records };
}

async function json(handler: HttpApiHandler, method: string, path: string, payload?: unknown) {
  const res = await handler(httpEvent(method, path, payload));
  return {
    status: res.statusCode,
    body: JSON.parse(res.body) as Record<string, unknown> & { error?: Record<string, unknown> },
  };
}

describe('model versions and POST /log', () => {
  let objects: MemoryObjectStore;
  let store: RecordStore;
  let handler: HttpApiHandler;
  let failWrites: boolean;
  const errors: unknown[] = [];

  beforeEach(() => {
    objects = new MemoryObjectStore();
    store = createRecordStore(objects, { now: () => NOW, randomBytes: (n) => new Uint8Array(n).fill(7) });
    failWrites = false;
    errors.length = 0;
    handler = makeHandler({
      models: store,
      log: {
        putPredictions: (r) =>
          failWrites ? Promise.reject(new Error('disk full')) : store.putPredictions(r),
      },
      now: () => NOW,
      randomBytes: (n) => new Uint8Array(n).fill(9),
      logError: (_m, e) => errors.push(e),
    });
  });

  const predictionKeys = () => [...objects.objects.keys()].filter((k) => k.startsWith('predictions/'));

  it('creates a model version (201), accepts the same body again as a no-op (200) and reads it back', async () => {
    const created = await json(handler, 'PUT', MODEL_PATH, DECLARATION);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'reviews', version: '3', origin: 'logged', embedding_dim: 4 });
    expect(objects.objects.has('models/model=reviews/version=3/model.json')).toBe(true);
    const again = await json(handler, 'PUT', MODEL_PATH, DECLARATION);
    expect(again.status).toBe(200);
    expect(again.body.created_at).toBe(created.body.created_at);
    const got = await json(handler, 'GET', MODEL_PATH);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created.body);
    const list = await json(handler, 'GET', '/models');
    expect(list.body.models).toEqual([created.body]);
    expect(list.body.next_cursor).toBeNull();
  });

  it('lets the schema change while the version has no data, and answers 409 SCHEMA_CONFLICT after', async () => {
    await json(handler, 'PUT', MODEL_PATH, DECLARATION);
    const changed = await json(handler, 'PUT', MODEL_PATH, { ...DECLARATION, embedding_dim: 5 });
    expect(changed.status).toBe(200);
    await json(handler, 'PUT', MODEL_PATH, DECLARATION);
    expect((await json(handler, 'POST', '/log', body([record(1)]))).status).toBe(200);
    const conflict = await json(handler, 'PUT', MODEL_PATH, { ...DECLARATION, embedding_dim: 5 });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error?.code).toBe('SCHEMA_CONFLICT');
    // Monitors may change at any time: they do not change what a record is.
    const monitors = await json(handler, 'PUT', MODEL_PATH, { ...DECLARATION, monitors: { window: '6h' } });
    expect(monitors.status).toBe(200);
    expect(monitors.body.monitors).toEqual({ window: '6h' });
  });

  it('refuses a bad declaration with 400 INVALID_MODEL_VERSION naming the JSON path', async () => {
    const res = await json(handler, 'PUT', MODEL_PATH, {
      ...DECLARATION,
      monitors: { embedding_drift: { mmd: { alert: 3 } } },
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'INVALID_MODEL_VERSION',
      path: 'monitors.embedding_drift.mmd.alert',
      message: 'monitors.embedding_drift.mmd.alert: must be in (0, 1)',
    });
    expect(objects.objects.size).toBe(0);
  });

  it('answers 404 MODEL_NOT_FOUND for an undeclared version, on GET and on POST /log', async () => {
    expect((await json(handler, 'GET', MODEL_PATH)).body.error?.code).toBe('MODEL_NOT_FOUND');
    const res = await json(handler, 'POST', '/log', body([record(1)]));
    expect(res.status).toBe(404);
    expect(res.body.error?.code).toBe('MODEL_NOT_FOUND');
    expect(predictionKeys()).toEqual([]);
  });

  it('logs a batch: one part file with the ids, the fields as JSON and no token columns', async () => {
    await json(handler, 'PUT', MODEL_PATH, DECLARATION);
    const res = await json(handler, 'POST', '/log', body([record(1), record(2, { id: undefined })]));
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(2);
    const ids = res.body.ids as string[];
    expect(ids[0]).toBe(record(1).id);
    expect(ids[1]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    const keys = predictionKeys();
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^predictions\/model=reviews\/version=3\/date=2026-12-01\/hour=11\//);
    const rows = await decodePredictions(objects.objects.get(keys[0]) as Uint8Array);
    expect(rows.map((r) => r.id)).toEqual(ids);
    expect(rows[0]).toMatchObject({
      model_name: 'reviews',
      model_version: '3',
      text: 'review number 1',
      text_chars: 15,
      token_count: null,
      truncated: null,
      unknown_token_ratio: null,
      latency_ms: null,
      label: 'positive',
      fields: { language: 'de', premium: false },
      token_ids: null,
    });
    expect(rows[0].score).toBeCloseTo(0.7);
    expect(Array.from(rows[1].embedding)).toEqual([0.1, 0.2, 0.3, 2].map(Math.fround));
  });

  it.each([
    ['embedding length', { embedding: [1, 2, 3] }, 'embedding', 'has 3 values; the model version declares 4'],
    ['a non-finite value', { embedding: [1, 2, 3, 'NaN'] }, 'embedding[3]', 'must be a finite number'],
    ['a float32 overflow', { embedding: [1, 2, 3, 1e300] }, 'embedding[3]', 'outside the 32-bit float range'],
    ['an unknown label', { label: 'angry' }, 'label', 'must be one of the declared labels'],
    [
      'probabilities that do not sum to 1',
      { probabilities: [0.2, 0.2, 0.2] },
      'probabilities',
      'must sum to 1',
    ],
    ['probabilities of the wrong length', { probabilities: [0.5, 0.5] }, 'probabilities', 'has 2 values'],
    ['a missing score', { score: undefined }, 'score', 'is required'],
    ['a score above 1', { score: 1.2 }, 'score', 'must be a number from 0 to 1'],
    ['a field of the wrong type', { fields: { language: 7 } }, 'fields.language', 'must be a string'],
    ['an undeclared field', { fields: { colour: 'red' } }, 'fields.colour', 'is not a declared field'],
    [
      'a timestamp in the future',
      { timestamp: new Date(NOW + 6 * 60_000).toISOString() },
      'timestamp',
      'future',
    ],
    ['a timestamp past the backfill limit', { timestamp: NOW - 8 * 86_400_000 }, 'timestamp', 'backfill'],
    ['a missing text', { text: undefined }, 'text', 'is required'],
    ['a non-UUID id', { id: 'abc' }, 'id', 'must be a UUID'],
    ['an unknown key', { colour: 'red' }, 'colour', 'is not a record field'],
  ])(
    'refuses %s with 400 SCHEMA_MISMATCH naming the record and field, writing nothing',
    async (_what, change, field, rule) => {
      await json(handler, 'PUT', MODEL_PATH, DECLARATION);
      const res = await json(handler, 'POST', '/log', body([record(0), record(1), record(2, change)]));
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'SCHEMA_MISMATCH', index: 2, field });
      expect(String(res.body.error?.message)).toContain(rule);
      expect(predictionKeys()).toEqual([]);
    },
  );

  it('refuses an id repeated inside one batch', async () => {
    await json(handler, 'PUT', MODEL_PATH, DECLARATION);
    const res = await json(handler, 'POST', '/log', body([record(1), record(1)]));
    expect(res.body.error).toMatchObject({ code: 'SCHEMA_MISMATCH', index: 1, field: 'id' });
  });

  it('refuses more than 1000 records with 400 BATCH_TOO_LARGE and a malformed body with INVALID_REQUEST', async () => {
    await json(handler, 'PUT', MODEL_PATH, DECLARATION);
    const many = Array.from({ length: 1001 }, (_, i) => record(i));
    expect((await json(handler, 'POST', '/log', body(many))).body.error?.code).toBe('BATCH_TOO_LARGE');
    expect((await json(handler, 'POST', '/log', { records: [] })).body.error?.code).toBe('INVALID_REQUEST');
    expect((await json(handler, 'POST', '/log', '{not json')).body.error?.code).toBe('INVALID_JSON');
    expect(predictionKeys()).toEqual([]);
  });

  it('answers 503 LOG_WRITE_FAILED when the log cannot be written', async () => {
    await json(handler, 'PUT', MODEL_PATH, DECLARATION);
    failWrites = true;
    const res = await handler(httpEvent('POST', '/log', body([record(1)])));
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['retry-after']).toBe('1');
    expect(JSON.parse(res.body).error.code).toBe('LOG_WRITE_FAILED');
    expect(errors).toHaveLength(1);
  });

  it("passes a refusal of the delivery (a record over Firehose's size limit) through as 413, not 503", async () => {
    const { RecordTooLargeError } = await import('../../../functions/lib/http/record-size.ts');
    const refusing = makeHandler({
      models: store,
      log: { putPredictions: () => Promise.reject(new RecordTooLargeError(0, 2_000_000, 1_024_000)) },
      now: () => NOW,
      randomBytes: (n) => new Uint8Array(n).fill(9),
      logError: (_m, e) => errors.push(e),
    });
    await json(handler, 'PUT', MODEL_PATH, DECLARATION);
    const res = await json(refusing, 'POST', '/log', body([record(1)]));
    expect(res.status).toBe(413);
    expect(res.body.error?.code).toBe('RECORD_TOO_LARGE');
    expect(errors).toEqual([]);
  });

  it('pages GET /models with a cursor', async () => {
    for (const v of ['1', '2', '3']) await json(handler, 'PUT', `/models/reviews/versions/${v}`, DECLARATION);
    // The event fixture carries no query string: pass it as API Gateway does.
    const event = httpEvent('GET', '/models');
    event.queryStringParameters = { limit: '2' };
    const page1 = JSON.parse((await handler(event)).body);
    expect(page1.models.map((m: { version: string }) => m.version)).toEqual(['1', '2']);
    event.queryStringParameters = { limit: '2', cursor: page1.next_cursor };
    const page2 = JSON.parse((await handler(event)).body);
    expect(page2.models.map((m: { version: string }) => m.version)).toEqual(['3']);
    expect(page2.next_cursor).toBeNull();
  });

  it('answers 405 with Allow for another method and 404 for another path', async () => {
    const res = await handler(httpEvent('DELETE', MODEL_PATH));
    expect(res.statusCode).toBe(405);
    expect(res.headers?.allow).toBe('PUT, GET');
    expect((await handler(httpEvent('GET', '/models/x'))).statusCode).toBe(404);
  });
});
