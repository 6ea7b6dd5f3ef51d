import { GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { S3ObjectStore } from '../../../functions/adapters/s3-store.ts';

const s3 = mockClient(S3Client);
afterEach(() => s3.reset());

const serviceError = (name: string, httpStatusCode: number) =>
  new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode } });

describe('S3ObjectStore conditional writes (what real S3 enforces and s3rver ignores)', () => {
  const store = () =>
    new S3ObjectStore({ client: new S3Client({ region: 'us-east-1' }), bucket: 'b', prefix: 'p/' });

  it('sends If-None-Match: * to create and a quoted If-Match to replace', async () => {
    s3.on(PutObjectCommand).resolves({ ETag: '"abc"' });
    expect(await store().putObjectIfMatch('state/a.json', '{}', null)).toEqual({ ok: true, etag: 'abc' });
    expect(await store().putObjectIfMatch('state/a.json', '{}', 'abc')).toEqual({ ok: true, etag: 'abc' });
    const [create, replace] = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(create).toMatchObject({ Bucket: 'b', Key: 'p/state/a.json', IfNoneMatch: '*' });
    expect(create.IfMatch).toBeUndefined();
    expect(replace).toMatchObject({ IfMatch: '"abc"' });
  });

  it.each([
    ['PreconditionFailed', 412],
    ['ConditionalRequestConflict', 409],
  ])('maps %s (%i) to a conflict, not an error', async (name, code) => {
    s3.on(PutObjectCommand).rejects(serviceError(name, code));
    expect(await store().putObjectIfMatch('state/a.json', '{}', 'old')).toEqual({
      ok: false,
      reason: 'conflict',
    });
  });

  it('reports other failures as STORE_IO_FAILED', async () => {
    s3.on(PutObjectCommand).rejects(serviceError('InternalError', 500));
    await expect(store().putObjectIfMatch('state/a.json', '{}', null)).rejects.toMatchObject({
      code: 'STORE_IO_FAILED',
    });
  });

  it('returns null for a missing key', async () => {
    s3.on(GetObjectCommand).rejects(serviceError('NoSuchKey', 404));
    expect(await store().getObject('nope')).toBeNull();
  });
});
