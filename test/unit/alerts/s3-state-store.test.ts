import {
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { S3ConditionalStore } from '../../../functions/adapters/alert-state-store.ts';

const s3 = mockClient(S3Client);
const KEY = 'state/model=sentiment/version=3/alerts.json';
const store = () => new S3ConditionalStore(new S3Client({ region: 'eu-west-1' }), 'vigil-bucket');
const body = new TextEncoder().encode('{"a":1}');

function s3Error(name: string, status: number): S3ServiceException {
  return new S3ServiceException({
    name,
    $fault: 'client',
    $metadata: { httpStatusCode: status },
    message: name,
  });
}

describe('S3ConditionalStore', () => {
  beforeEach(() => s3.reset());

  it('reads the body and uses the ETag as version', async () => {
    s3.on(GetObjectCommand, { Bucket: 'vigil-bucket', Key: KEY }).resolves({
      // Only the SDK stream method the store uses; the stream mixin is not a direct dependency.
      Body: { transformToByteArray: async () => new TextEncoder().encode('{"a":1}') } as never,
      ETag: '"etag-1"',
    });
    const got = await store().get(KEY);
    expect(got?.version).toBe('"etag-1"');
    expect(new TextDecoder().decode(got?.body)).toBe('{"a":1}');
  });

  it('reads a missing object as null', async () => {
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'gone', $metadata: { httpStatusCode: 404 } }));
    expect(await store().get(KEY)).toBeNull();
  });

  it('creates only if absent with IfNoneMatch "*"', async () => {
    s3.on(PutObjectCommand).resolves({ ETag: '"etag-2"' });
    expect(await store().putIfVersion(KEY, body, null)).toBe(true);
    const input = s3.commandCalls(PutObjectCommand)[0].args[0].input;
    expect(input.Bucket).toBe('vigil-bucket');
    expect(input.Key).toBe(KEY);
    expect(input.IfNoneMatch).toBe('*');
    expect(input.IfMatch).toBeUndefined();
    expect(input.Body).toBe(body);
  });

  it('replaces only the version it read with IfMatch', async () => {
    s3.on(PutObjectCommand).resolves({});
    expect(await store().putIfVersion(KEY, body, '"etag-1"')).toBe(true);
    const input = s3.commandCalls(PutObjectCommand)[0].args[0].input;
    expect(input.IfMatch).toBe('"etag-1"');
    expect(input.IfNoneMatch).toBeUndefined();
  });

  it('maps 412 PreconditionFailed and 409 ConditionalRequestConflict to false', async () => {
    s3.on(PutObjectCommand)
      .rejectsOnce(s3Error('PreconditionFailed', 412))
      .rejectsOnce(s3Error('ConditionalRequestConflict', 409));
    expect(await store().putIfVersion(KEY, body, '"etag-1"')).toBe(false);
    expect(await store().putIfVersion(KEY, body, null)).toBe(false);
  });

  it('lets other errors through', async () => {
    s3.on(PutObjectCommand).rejects(s3Error('AccessDenied', 403));
    await expect(store().putIfVersion(KEY, body, null)).rejects.toThrow('AccessDenied');
    s3.on(GetObjectCommand).rejects(s3Error('AccessDenied', 403));
    await expect(store().get(KEY)).rejects.toThrow('AccessDenied');
  });
});
