import { describe, expect, it } from 'vitest';
import { type FeedbackDeps, makeHandler } from '../../../functions/feedback/make-handler.ts';
import { failingLog, httpEvent, lambdaContext, memoryLog, parse } from './helpers.ts';

const NOW = Date.parse('2026-11-29T09:15:00.000Z');
const ID_A = '01a22683-d9e9-7bbf-a49a-a3a1e50f41c5';
const ID_B = '01A22683-DA1E-7600-A0DB-6DCF5EC7E870';

function setup(overrides: Partial<FeedbackDeps> = {}) {
  const log = memoryLog();
  const errors: unknown[] = [];
  const handler = makeHandler({
    model: { name: 'sentiment', labels: ['NEGATIVE', 'POSITIVE'] },
    log,
    now: () => NOW,
    logError: (_m, e) => errors.push(e),
    ...overrides,
  });
  return { handler, log, errors };
}

describe('POST /feedback', () => {
  it('writes one ActualRecord per label into the model partition and answers the count', async () => {
    const { handler, log } = setup();
    const body = {
      labels: [
        { id: ID_A, label: 'NEGATIVE' },
        { id: ID_B, label: 'POSITIVE' },
      ],
    };
    const res = await handler(httpEvent('POST', '/feedback', body), lambdaContext);
    expect(res.statusCode).toBe(200);
    expect(parse(res.body)).toEqual({ accepted: 2 });
    expect(log.actuals).toEqual([
      {
        model: 'sentiment',
        records: [
          { id: ID_A, timestamp: new Date(NOW), label: 'NEGATIVE' },
          // Ids are stored lowercase so they join with the prediction log's ids.
          { id: ID_B.toLowerCase(), timestamp: new Date(NOW), label: 'POSITIVE' },
        ],
      },
    ]);
  });

  it('accepts 1000 labels', async () => {
    const { handler, log } = setup();
    const labels = Array.from({ length: 1000 }, () => ({ id: ID_A, label: 'POSITIVE' }));
    const res = await handler(httpEvent('POST', '/feedback', { labels }));
    expect(res.statusCode).toBe(200);
    expect(log.actuals[0].records).toHaveLength(1000);
  });

  it('answers 503 LOG_WRITE_FAILED when the write fails', async () => {
    const { handler, errors } = setup({ log: failingLog() });
    const res = await handler(httpEvent('POST', '/feedback', { labels: [{ id: ID_A, label: 'NEGATIVE' }] }));
    expect(res.statusCode).toBe(503);
    expect(parse(res.body).error.code).toBe('LOG_WRITE_FAILED');
    expect(errors).toHaveLength(1);
  });

  const cases: [string, unknown, number, string, RegExp?][] = [
    ['body that is not JSON', 'labels=1', 400, 'INVALID_JSON'],
    ['a missing labels field', { label: [] }, 400, 'INVALID_REQUEST', /"labels"/],
    ['labels that is an object', { labels: { id: ID_A } }, 400, 'INVALID_REQUEST', /"labels"/],
    ['empty labels', { labels: [] }, 400, 'INVALID_REQUEST'],
    ['an item that is not an object', { labels: ['x'] }, 400, 'INVALID_REQUEST', /labels\[0\]/],
    ['a malformed id', { labels: [{ id: 'not-a-uuid', label: 'NEGATIVE' }] }, 400, 'INVALID_REQUEST', /\.id/],
    ['a numeric id', { labels: [{ id: 7, label: 'NEGATIVE' }] }, 400, 'INVALID_REQUEST', /\.id/],
    ['a numeric label', { labels: [{ id: ID_A, label: 1 }] }, 400, 'INVALID_REQUEST', /\.label/],
    [
      'an unknown label',
      { labels: [{ id: ID_A, label: 'negative' }] },
      400,
      'UNKNOWN_LABEL',
      /NEGATIVE, POSITIVE/,
    ],
    [
      'an unknown label later in the list',
      {
        labels: [
          { id: ID_A, label: 'POSITIVE' },
          { id: ID_A, label: 'MIXED' },
        ],
      },
      400,
      'UNKNOWN_LABEL',
      /labels\[1\]/,
    ],
    [
      '1001 labels',
      { labels: Array(1001).fill({ id: ID_A, label: 'POSITIVE' }) },
      400,
      'BATCH_TOO_LARGE',
      /1000/,
    ],
  ];

  it.each(cases)('rejects %s', async (_name, body, status, code, message) => {
    const { handler, log } = setup();
    const res = await handler(httpEvent('POST', '/feedback', body));
    expect(res.statusCode).toBe(status);
    const parsed = parse(res.body);
    expect(parsed.error.code).toBe(code);
    if (message) expect(parsed.error.message).toMatch(message);
    expect(log.actuals).toHaveLength(0);
  });

  it('answers 405 for GET and 404 for other paths', async () => {
    const { handler } = setup();
    expect((await handler(httpEvent('GET', '/feedback'))).statusCode).toBe(405);
    expect((await handler(httpEvent('POST', '/predict', { text: 'a' }))).statusCode).toBe(404);
  });
});
