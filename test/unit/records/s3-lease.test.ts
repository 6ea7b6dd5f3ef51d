/**
 * The compaction lease on S3 (issue 15, defect 9): created with If-None-Match: *, so a second
 * compactor's create fails with 412 and it stands aside while the lease is live; an expired lease is
 * taken over with If-Match on its etag. (s3rver ignores both headers, so this is checked on the API.)
 */
import { GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { S3ObjectStore } from '../../../functions/adapters/s3-store.ts';
import { acquireHourLease, hourLeaseKey } from '../../../functions/lib/records/lease.ts';

const s3 = mockClient(S3Client);
afterEach(() => s3.reset());

const HOUR = { model: 'm', version: '1', date: '2026-02-03', hour: 4 };
const NOW = Date.parse('2026-02-04T00:00:00Z');
const store = () => new S3ObjectStore({ client: new S3Client({ region: 'us-east-1' }), bucket: 'b' });
const preconditionFailed = () =>
  new S3ServiceException({
    name: 'PreconditionFailed',
    $fault: 'client',
    $metadata: { httpStatusCode: 412 },
  });
const body = (owner: string, expiresMs: number) =>
  ({
    transformToByteArray: async () =>
      new TextEncoder().encode(JSON.stringify({ owner, expires_at: new Date(expiresMs).toISOString() })),
  }) as never;

describe('the compaction lease on S3', () => {
  it('creates the lease object with If-None-Match: * outside predictions/', async () => {
    s3.on(PutObjectCommand).resolves({ ETag: '"e1"' });
    const lease = await acquireHourLease(store(), HOUR, { owner: 'a', nowMs: NOW });
    expect(lease).not.toBe('held');
    const [put] = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(put).toMatchObject({ Key: hourLeaseKey(HOUR), IfNoneMatch: '*' });
    expect(put.Key).toBe('leases/compaction/model=m/version=1/date=2026-02-03/hour=04.json');
  });

  it('stands aside when the create fails with 412 and the holder is live', async () => {
    s3.on(PutObjectCommand).rejects(preconditionFailed());
    s3.on(GetObjectCommand).resolves({ Body: body('other', NOW + 60_000), ETag: '"e0"' });
    expect(await acquireHourLease(store(), HOUR, { owner: 'b', nowMs: NOW })).toBe('held');
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(1);
  });

  it('takes over an expired lease only with If-Match on its etag', async () => {
    s3.on(PutObjectCommand, { IfNoneMatch: '*' }).rejects(preconditionFailed());
    s3.on(PutObjectCommand, { IfMatch: '"e0"' }).resolves({ ETag: '"e2"' });
    s3.on(GetObjectCommand).resolves({ Body: body('dead', NOW - 1), ETag: '"e0"' });
    expect(await acquireHourLease(store(), HOUR, { owner: 'c', nowMs: NOW })).not.toBe('held');
    const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(puts.map((p) => p.IfMatch ?? p.IfNoneMatch)).toEqual(['*', '"e0"']);
  });
});
