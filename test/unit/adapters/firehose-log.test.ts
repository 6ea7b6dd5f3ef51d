import { FirehoseClient, PutRecordBatchCommand, ServiceUnavailableException } from '@aws-sdk/client-firehose';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  chunkForFirehose,
  createFirehoseLog,
  FIREHOSE_LIMITS,
  FirehoseDeliveryError,
  firehoseRow,
} from '../../../functions/adapters/firehose-log.ts';
import { HttpError } from '../../../functions/lib/http/errors.ts';
import { RecordTooLargeError } from '../../../functions/lib/http/record-size.ts';
import type { PredictionRecord } from '../../../functions/lib/records/schema.ts';

const firehose = mockClient(FirehoseClient);
const STREAM = 'vigil-predictions';

function record(i: number, overrides: Partial<PredictionRecord> = {}): PredictionRecord {
  return {
    id: `0190a0b2-0000-7000-8000-${String(i).padStart(12, '0')}`,
    timestamp: new Date(Date.UTC(2026, 11, 2, 7, 30, 0, i)),
    model_name: 'reviews',
    model_version: '3',
    text: `text ${i}`,
    text_sha256: 'ab'.repeat(32),
    text_chars: 6,
    token_count: 4,
    truncated: false,
    unknown_token_ratio: 0,
    label: 'positive',
    score: 0.9,
    probabilities: [0.1, 0.9],
    embedding: new Float32Array([0.5, -0.25, 1]),
    latency_ms: 3.5,
    request_id: 'req-1',
    fields: { language: 'de', len: 3 },
    token_ids: new Int32Array([101, 7, 102]),
    ...overrides,
  };
}

/** A fake clock whose sleeps advance it, so backoff schedules are observable and instant. */
function fakeTime() {
  let t = 1_000_000;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    sleeps,
  };
}

/** The error a promise rejects with (the test fails if it resolves). */
async function rejection(p: Promise<unknown>): Promise<FirehoseDeliveryError & RecordTooLargeError> {
  try {
    await p;
  } catch (e) {
    return e as FirehoseDeliveryError & RecordTooLargeError;
  }
  throw new Error('expected the write to fail');
}

const decode = (data: Uint8Array | undefined) => JSON.parse(new TextDecoder().decode(data));

describe('firehoseRow', () => {
  it('writes the Glue columns: epoch-ms timestamp, fields as JSON text, plain arrays', () => {
    const row = firehoseRow(record(1));
    expect(row.timestamp).toBe(Date.UTC(2026, 11, 2, 7, 30, 0, 1));
    expect(row.fields).toBe('{"language":"de","len":3}');
    expect(row.token_ids).toEqual([101, 7, 102]);
    expect(row.embedding).toEqual([0.5, -0.25, 1]);
    expect(Object.keys(row)).toContain('request_id');
  });

  it('writes float32 values in at most 9 significant digits, exactly as they were', () => {
    const e = new Float32Array([0.1, -1 / 3, 123456.789, 1e-7]);
    const row = firehoseRow(record(1, { embedding: e }));
    const back = Float32Array.from(row.embedding as number[]);
    expect(Array.from(back)).toEqual(Array.from(e));
    for (const v of row.embedding as number[]) {
      expect(v.toExponential().replace(/^-/, '').split('e')[0].replace('.', '').length).toBeLessThanOrEqual(
        9,
      );
    }
  });

  it('keeps nulls of logged records as nulls', () => {
    const row = firehoseRow(
      record(1, { fields: null, token_ids: null, score: null, token_count: null, truncated: null }),
    );
    expect(row).toMatchObject({
      fields: null,
      token_ids: null,
      score: null,
      token_count: null,
      truncated: null,
    });
  });
});

describe('chunkForFirehose', () => {
  it('splits at 500 records', () => {
    const items = Array.from({ length: 1001 }, () => new Uint8Array(10));
    expect(chunkForFirehose(items).map((b) => b.length)).toEqual([500, 500, 1]);
  });

  it('splits before a batch would exceed 4 MiB', () => {
    // 5 records of 900 KiB: 4 fit in 4 MiB (3600 KiB), the fifth starts a new batch.
    const items = Array.from({ length: 5 }, () => new Uint8Array(900 * 1024));
    const batches = chunkForFirehose(items);
    expect(batches.map((b) => b.length)).toEqual([4, 1]);
    for (const b of batches) {
      expect(b.reduce((a, x) => a + x.byteLength, 0)).toBeLessThanOrEqual(FIREHOSE_LIMITS.batchBytes);
    }
  });
});

describe('createFirehoseLog', () => {
  beforeEach(() => firehose.reset());

  it('sends every record once as newline-terminated JSON, in batches of at most 500', async () => {
    // Prepare
    firehose.on(PutRecordBatchCommand).callsFake((input) => ({
      FailedPutCount: 0,
      RequestResponses: input.Records.map((_: unknown, i: number) => ({ RecordId: `r${i}` })),
    }));
    const log = createFirehoseLog({
      client: new FirehoseClient({ region: 'eu-west-1' }),
      streamName: STREAM,
    });
    const records = Array.from({ length: 1000 }, (_, i) => record(i));

    // Act
    await log.putPredictions(records);

    // Assess
    const calls = firehose.commandCalls(PutRecordBatchCommand);
    expect(calls.map((c) => c.args[0].input.Records?.length)).toEqual([500, 500]);
    expect(calls[0].args[0].input.DeliveryStreamName).toBe(STREAM);
    const sent = calls.flatMap((c) => c.args[0].input.Records ?? []);
    expect(sent.map((r) => decode(r.Data).id)).toEqual(records.map((r) => r.id));
    expect(new TextDecoder().decode(sent[0].Data).endsWith('}\n')).toBe(true);
  });

  it('retries only the entries that failed, with growing jittered backoff', async () => {
    // Prepare: the first call rejects entries 1 and 3, the second rejects entry 3 again.
    firehose
      .on(PutRecordBatchCommand)
      .resolvesOnce({
        FailedPutCount: 2,
        RequestResponses: [
          { RecordId: 'a' },
          { ErrorCode: 'ServiceUnavailableException', ErrorMessage: 'slow down' },
          { RecordId: 'c' },
          { ErrorCode: 'InternalFailure', ErrorMessage: 'oops' },
        ],
      })
      .resolvesOnce({
        FailedPutCount: 1,
        RequestResponses: [{ RecordId: 'b' }, { ErrorCode: 'ServiceUnavailableException' }],
      })
      .resolves({ FailedPutCount: 0, RequestResponses: [{ RecordId: 'd' }] });
    const time = fakeTime();
    const log = createFirehoseLog({
      client: new FirehoseClient({ region: 'eu-west-1' }),
      streamName: STREAM,
      ...time,
      random: () => 0.5,
    });
    const records = [0, 1, 2, 3].map((i) => record(i));

    // Act
    await log.putPredictions(records);

    // Assess
    const sentIds = firehose
      .commandCalls(PutRecordBatchCommand)
      .map((c) => (c.args[0].input.Records ?? []).map((r) => decode(r.Data).id));
    expect(sentIds).toEqual([
      [records[0].id, records[1].id, records[2].id, records[3].id],
      [records[1].id, records[3].id],
      [records[3].id],
    ]);
    // Full jitter at 0.5 of 100 ms, then of 200 ms.
    expect(time.sleeps).toEqual([50, 100]);
  });

  it('gives up at the deadline with a LOG_WRITE_FAILED error naming the failed count', async () => {
    // Record 1 is never accepted.
    firehose.on(PutRecordBatchCommand).callsFake((input) => {
      const responses = input.Records.map((r: { Data: Uint8Array }) =>
        decode(r.Data).id === record(1).id
          ? { ErrorCode: 'ServiceUnavailableException', ErrorMessage: 'busy' }
          : { RecordId: 'ok' },
      );
      return {
        FailedPutCount: responses.filter((r: { ErrorCode?: string }) => r.ErrorCode).length,
        RequestResponses: responses,
      };
    });
    const time = fakeTime();
    const log = createFirehoseLog({
      client: new FirehoseClient({ region: 'eu-west-1' }),
      streamName: STREAM,
      deadlineMs: 1000,
      ...time,
      random: () => 0.99,
    });

    const error = await rejection(log.putPredictions([record(0), record(1)]));

    expect(error).toBeInstanceOf(FirehoseDeliveryError);
    expect(error.code).toBe('LOG_WRITE_FAILED');
    expect(error.failed).toBe(1);
    expect(error.message).toContain('ServiceUnavailableException');
    expect(time.sleeps.reduce((a, b) => a + b, 0)).toBeLessThan(1000);
    expect(firehose.commandCalls(PutRecordBatchCommand).length).toBe(error.attempts);
  });

  it('resends the whole batch after a failed call, and then succeeds', async () => {
    firehose
      .on(PutRecordBatchCommand)
      .rejectsOnce(new ServiceUnavailableException({ message: 'throttled', $metadata: {} }))
      .resolves({ FailedPutCount: 0, RequestResponses: [{ RecordId: 'a' }, { RecordId: 'b' }] });
    const time = fakeTime();
    const log = createFirehoseLog({
      client: new FirehoseClient({ region: 'eu-west-1' }),
      streamName: STREAM,
      ...time,
      random: () => 1,
    });

    await log.putPredictions([record(0), record(1)]);

    const calls = firehose.commandCalls(PutRecordBatchCommand);
    expect(calls.map((c) => c.args[0].input.Records?.length)).toEqual([2, 2]);
    expect(time.sleeps).toEqual([100]);
  });

  it('refuses a record over 1,000 KiB with a 413 before sending anything', async () => {
    firehose.on(PutRecordBatchCommand).resolves({ FailedPutCount: 0, RequestResponses: [] });
    const log = createFirehoseLog({
      client: new FirehoseClient({ region: 'eu-west-1' }),
      streamName: STREAM,
    });
    const huge = record(1, { text: 'x'.repeat(FIREHOSE_LIMITS.recordBytes) });

    const error = await rejection(log.putPredictions([record(0), huge]));

    expect(error).toBeInstanceOf(RecordTooLargeError);
    expect(error).toBeInstanceOf(HttpError);
    expect(error.status).toBe(413);
    expect(error.code).toBe('RECORD_TOO_LARGE');
    expect(error.index).toBe(1);
    expect(firehose.commandCalls(PutRecordBatchCommand)).toHaveLength(0);
  });

  it('does not call Firehose for an empty request', async () => {
    const log = createFirehoseLog({
      client: new FirehoseClient({ region: 'eu-west-1' }),
      streamName: STREAM,
    });
    await log.putPredictions([]);
    expect(firehose.commandCalls(PutRecordBatchCommand)).toHaveLength(0);
  });
});
