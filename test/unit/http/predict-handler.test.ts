import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isUuidv7, uuidv7Time } from '../../../functions/lib/records/uuidv7.ts';
import { makeHandler, type PredictDeps } from '../../../functions/predict/make-handler.ts';
import {
  countingRandomBytes,
  failingLog,
  fakeClassifier,
  httpEvent,
  lambdaContext,
  memoryLog,
  parse,
} from './helpers.ts';

const NOW = Date.parse('2026-11-29T08:30:00.000Z');

function setup(overrides: Partial<PredictDeps> = {}) {
  const log = memoryLog();
  const classifier = fakeClassifier();
  const errors: unknown[] = [];
  let tick = 0;
  const deps: PredictDeps = {
    classifier,
    log,
    storeText: true,
    now: () => NOW,
    elapsedMs: () => (tick += 2.5),
    randomBytes: countingRandomBytes(),
    logError: (_m, err) => errors.push(err),
    ...overrides,
  };
  return { handler: makeHandler(deps), log, classifier, errors };
}

describe('POST /predict', () => {
  it('answers one prediction for "text" with model, UUIDv7 id and label-keyed probabilities', async () => {
    // Prepare
    const { handler, log } = setup();
    // Act
    const res = await handler(httpEvent('POST', '/predict', { text: 'a great film' }), lambdaContext);
    // Assess
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['content-type']).toMatch(/application\/json/);
    const body = parse(res.body);
    expect(body.model).toEqual({ name: 'fake', version: '2' });
    expect(body.predictions).toHaveLength(1);
    const [p] = body.predictions;
    expect(isUuidv7(p.id)).toBe(true);
    expect(uuidv7Time(p.id)).toBe(NOW);
    expect(p.label).toBe('NEGATIVE');
    expect(Object.keys(p.probabilities)).toEqual(['NEGATIVE', 'POSITIVE']);
    expect(p.probabilities.NEGATIVE + p.probabilities.POSITIVE).toBeCloseTo(1, 12);
    expect(p.score).toBe(p.probabilities.NEGATIVE);
    expect(p).not.toHaveProperty('embedding');
    expect(log.predictions).toHaveLength(1);
    expect(log.predictions[0][0].id).toBe(p.id);
  });

  it('answers a batch in request order with distinct ids and embeddings on request', async () => {
    const { handler } = setup();
    const texts = ['short', 'a much longer text than the first one, long enough to turn positive', ''];
    const res = await handler(httpEvent('POST', '/predict', { texts, return_embedding: true }));
    expect(res.statusCode).toBe(200);
    const { predictions } = parse(res.body);
    expect(predictions.map((p: { label: string }) => p.label)).toEqual(['NEGATIVE', 'POSITIVE', 'NEGATIVE']);
    expect(new Set(predictions.map((p: { id: string }) => p.id)).size).toBe(3);
    expect(predictions[1].embedding).toEqual([texts[1].length, 1, -1]);
  });

  it('writes one record per text as DESIGN.md describes it, before answering', async () => {
    const { handler, log } = setup();
    const texts = ['naïve café', ''];
    const res = await handler(httpEvent('POST', '/predict', { texts }));
    const ids = parse(res.body).predictions.map((p: { id: string }) => p.id);
    const [records] = log.predictions;
    expect(records.map((r) => r.id)).toEqual(ids);
    const r = records[0];
    expect(r.timestamp.getTime()).toBe(NOW);
    expect(r.model_name).toBe('fake');
    expect(r.model_version).toBe('2');
    expect(r.text).toBe('naïve café');
    expect(r.text_sha256).toBe(createHash('sha256').update('naïve café', 'utf8').digest('hex'));
    expect(r.text_chars).toBe(10);
    expect(r.token_count).toBe(4);
    expect(r.truncated).toBe(false);
    expect(r.latency_ms).toBe(2.5);
    expect(r.request_id).toBe('JKJaXmPLvHcESHA=');
    expect(r.probabilities).toHaveLength(2);
    expect(Array.from(r.embedding)).toEqual([10, 1, -1]);
    expect(records[1].text).toBe('');
    expect(records[1].text_chars).toBe(0);
  });

  it('does not answer until the log write has finished', async () => {
    let release: () => void = () => undefined;
    const log = {
      putPredictions: () => new Promise<void>((r) => (release = r)),
    };
    const { handler } = setup({ log });
    let answered = false;
    const pending = handler(httpEvent('POST', '/predict', { text: 'x' })).then((res) => {
      answered = true;
      return res;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(answered).toBe(false);
    release();
    expect((await pending).statusCode).toBe(200);
  });

  it('answers 503 LOG_WRITE_FAILED when the log rejects, never a 200 without the write', async () => {
    const { handler, errors } = setup({ log: failingLog() });
    const res = await handler(httpEvent('POST', '/predict', { texts: ['a', 'b'] }));
    expect(res.statusCode).toBe(503);
    expect(parse(res.body)).toEqual({
      error: { code: 'LOG_WRITE_FAILED', message: expect.stringMatching(/retry/) },
    });
    expect(errors).toHaveLength(1);
  });

  it('keeps text_sha256 and statistics but stores null text when text storage is off', async () => {
    const { handler, log } = setup({ storeText: false });
    await handler(httpEvent('POST', '/predict', { text: 'secret customer message' }));
    const [r] = log.predictions[0];
    expect(r.text).toBeNull();
    expect(r.text_sha256).toBe(createHash('sha256').update('secret customer message').digest('hex'));
    expect(r.text_chars).toBe(23);
  });

  it('reads base64-encoded bodies', async () => {
    const { handler, classifier } = setup();
    const event = httpEvent('POST', '/predict');
    event.body = Buffer.from(JSON.stringify({ text: 'encoded ✓' })).toString('base64');
    event.isBase64Encoded = true;
    const res = await handler(event);
    expect(res.statusCode).toBe(200);
    expect(classifier.calls).toEqual([['encoded ✓']]);
  });

  it('accepts empty strings and texts right at the 100,000-character limit', async () => {
    const { handler, classifier } = setup();
    const res = await handler(httpEvent('POST', '/predict', { texts: ['', 'é'.repeat(100_000)] }));
    expect(res.statusCode).toBe(200);
    expect(classifier.calls[0][1]).toHaveLength(100_000);
  });

  it('counts characters as code points: 100,000 emoji are not too long', async () => {
    const { handler } = setup();
    const res = await handler(httpEvent('POST', '/predict', { text: '😀'.repeat(100_000) }));
    expect(res.statusCode).toBe(200);
  });
});

describe('POST /predict rejects bad input with a code, never a 500', () => {
  const cases: [string, unknown, number, string, RegExp?][] = [
    ['body that is not JSON', '{"text": ', 400, 'INVALID_JSON'],
    ['an empty body', '', 400, 'INVALID_JSON'],
    ['a JSON array', [1, 2], 400, 'INVALID_REQUEST'],
    ['JSON null', 'null', 400, 'INVALID_REQUEST'],
    ['a missing text', { txt: 'x' }, 400, 'INVALID_REQUEST', /"text"/],
    ['a numeric text', { text: 42 }, 400, 'INVALID_REQUEST', /"text"/],
    ['a null text', { text: null }, 400, 'INVALID_REQUEST', /"text"/],
    ['both text and texts', { text: 'a', texts: ['b'] }, 400, 'INVALID_REQUEST'],
    ['texts that is a string', { texts: 'a' }, 400, 'INVALID_REQUEST', /"texts"/],
    ['empty texts', { texts: [] }, 400, 'INVALID_REQUEST', /"texts"/],
    ['a non-string in texts', { texts: ['a', { t: 1 }] }, 400, 'INVALID_REQUEST', /texts\[1\]/],
    [
      'a non-boolean return_embedding',
      { text: 'a', return_embedding: 'yes' },
      400,
      'INVALID_REQUEST',
      /return_embedding/,
    ],
    ['65 texts', { texts: Array(65).fill('a') }, 400, 'BATCH_TOO_LARGE', /64/],
    ['a text over 100,000 characters', { text: 'a'.repeat(100_001) }, 413, 'TEXT_TOO_LONG'],
    [
      'a long text inside a batch',
      { texts: ['ok', 'b'.repeat(100_001)] },
      413,
      'TEXT_TOO_LONG',
      /texts\[1\]/,
    ],
    ['a body over 1 MB', { texts: Array(11).fill('c'.repeat(99_000)) }, 413, 'PAYLOAD_TOO_LARGE'],
  ];

  it.each(cases)('%s', async (_name, body, status, code, message) => {
    const { handler, log, classifier } = setup();
    const res = await handler(httpEvent('POST', '/predict', body));
    expect(res.statusCode).toBe(status);
    const parsed = parse(res.body);
    expect(Object.keys(parsed)).toEqual(['error']);
    expect(parsed.error.code).toBe(code);
    expect(typeof parsed.error.message).toBe('string');
    if (message) expect(parsed.error.message).toMatch(message);
    expect(classifier.calls).toHaveLength(0);
    expect(log.predictions).toHaveLength(0);
  });

  it('checks the decoded size of a base64 body', async () => {
    const { handler } = setup();
    const event = httpEvent('POST', '/predict');
    event.body = Buffer.alloc(1024 * 1024 + 1, 0x20).toString('base64');
    event.isBase64Encoded = true;
    const res = await handler(event);
    expect(res.statusCode).toBe(413);
    expect(parse(res.body).error.code).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('routing', () => {
  it('GET /health answers status and model', async () => {
    const { handler } = setup();
    const res = await handler(httpEvent('GET', '/health'));
    expect(res.statusCode).toBe(200);
    expect(parse(res.body)).toEqual({
      status: 'ok',
      model: { name: 'fake', version: '2', labels: ['NEGATIVE', 'POSITIVE'] },
    });
  });

  it.each([
    ['GET', '/predict', 'POST'],
    ['PUT', '/predict', 'POST'],
    ['DELETE', '/health', 'GET'],
  ])('%s %s answers 405 with Allow: %s', async (method, path, allow) => {
    const { handler } = setup();
    const res = await handler(httpEvent(method, path, method === 'PUT' ? { text: 'a' } : undefined));
    expect(res.statusCode).toBe(405);
    expect(res.headers?.allow).toBe(allow);
    expect(parse(res.body).error.code).toBe('METHOD_NOT_ALLOWED');
  });

  it.each(['/', '/predictions', '/predict/extra', '/__proto__', '/constructor'])(
    '%s answers 404',
    async (path) => {
      const { handler } = setup();
      const res = await handler(httpEvent('POST', path, { text: 'a' }));
      expect(res.statusCode).toBe(404);
      expect(parse(res.body).error.code).toBe('NOT_FOUND');
    },
  );

  it('answers 500 INTERNAL_ERROR only when the model itself fails', async () => {
    const classifier = fakeClassifier();
    classifier.predict = async () => {
      throw new Error('onnx exploded');
    };
    const { handler, errors } = setup({ classifier });
    const res = await handler(httpEvent('POST', '/predict', { text: 'a' }));
    expect(res.statusCode).toBe(500);
    expect(parse(res.body).error.code).toBe('INTERNAL_ERROR');
    expect(parse(res.body).error.message).not.toMatch(/onnx/);
    expect(errors).toHaveLength(1);
  });
});
