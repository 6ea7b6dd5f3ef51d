/**
 * POST /predict over the Firehose log: 200 once every record is accepted, 413 RECORD_TOO_LARGE when the
 * log refuses a record as too large (firehose-log.test.ts shows it sends nothing then), 503
 * LOG_WRITE_FAILED when Firehose keeps refusing a record.
 */
import { FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createFirehoseLog } from '../../../functions/adapters/firehose-log.ts';
import { RecordTooLargeError } from '../../../functions/lib/http/record-size.ts';
import { makeHandler } from '../../../functions/predict/make-handler.ts';
import { countingRandomBytes, fakeClassifier, httpEvent, lambdaContext, parse } from './helpers.ts';

const firehose = mockClient(FirehoseClient);

function handlerWith(deadlineMs = 1000) {
  let t = 0;
  const log = createFirehoseLog({
    client: new FirehoseClient({ region: 'eu-west-1' }),
    streamName: 'vigil',
    deadlineMs,
    now: () => t,
    sleep: async (ms) => {
      t += ms;
    },
  });
  return makeHandler({
    classifier: fakeClassifier(),
    log,
    storeText: true,
    now: () => Date.parse('2026-12-02T08:00:00Z'),
    randomBytes: countingRandomBytes(),
    logError: () => {},
  });
}

describe('POST /predict with Firehose delivery', () => {
  beforeEach(() => firehose.reset());

  it('answers 200 once Firehose accepted every record', async () => {
    firehose.on(PutRecordBatchCommand).resolves({ FailedPutCount: 0, RequestResponses: [{ RecordId: 'a' }] });
    const res = await handlerWith()(httpEvent('POST', '/predict', { text: 'a fine film' }), lambdaContext);
    expect(res.statusCode).toBe(200);
    expect(firehose.commandCalls(PutRecordBatchCommand)).toHaveLength(1);
  });

  it('answers 413 RECORD_TOO_LARGE when the log refuses a record as too large, not 503', async () => {
    const handler = makeHandler({
      classifier: fakeClassifier(),
      log: {
        putPredictions: async () => {
          throw new RecordTooLargeError(0, 1_100_000, 1_024_000);
        },
      },
      storeText: true,
      now: () => Date.parse('2026-12-02T08:00:00Z'),
      randomBytes: countingRandomBytes(),
      logError: () => {},
    });
    const res = await handler(httpEvent('POST', '/predict', { text: 'a fine film' }), lambdaContext);
    expect(res.statusCode).toBe(413);
    expect(parse(res.body).error).toMatchObject({ code: 'RECORD_TOO_LARGE' });
    expect(parse(res.body).error.message).toContain('1024000-byte limit');
  });

  it('answers 503 LOG_WRITE_FAILED when Firehose keeps refusing the record', async () => {
    firehose.on(PutRecordBatchCommand).resolves({
      FailedPutCount: 1,
      RequestResponses: [{ ErrorCode: 'ServiceUnavailableException', ErrorMessage: 'slow down' }],
    });
    const res = await handlerWith(500)(httpEvent('POST', '/predict', { text: 'a fine film' }), lambdaContext);
    expect(res.statusCode).toBe(503);
    expect(parse(res.body).error.code).toBe('LOG_WRITE_FAILED');
    expect(firehose.commandCalls(PutRecordBatchCommand).length).toBeGreaterThan(1);
  });
});
