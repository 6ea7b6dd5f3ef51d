/**
 * ObjectStore on S3. Retries are the SDK's (standard mode); what still fails surfaces as an error so
 * the handler can answer 503 instead of dropping a record.
 */
import { randomBytes } from 'node:crypto';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type PutObjectCommandInput,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  type Body,
  type ConditionalPutResult,
  createRecordStore,
  type ObjectStore,
  type RecordStore,
  type StoredObject,
  StoreIoError,
} from '../lib/records/store.ts';

export interface S3StoreProps {
  readonly client: S3Client;
  readonly bucket: string;
  /** Key prefix inside the bucket. @default '' */
  readonly prefix?: string;
  /**
   * Whether the endpoint enforces If-Match / If-None-Match on PutObject. AWS S3 does; s3rver 3.7
   * ignores both headers, so tests against it pass 'unenforced'. @default 'enforced'
   */
  readonly conditionalWrites?: 'enforced' | 'unenforced';
}

interface SdkError {
  name?: string;
  $metadata?: { httpStatusCode?: number };
}

const status = (e: unknown) => (e as SdkError)?.$metadata?.httpStatusCode;
const isNotFound = (e: unknown) => (e as SdkError)?.name === 'NoSuchKey' || status(e) === 404;
// 412: the etag did not match; 409: a concurrent conditional write to the same key won the race.
const isPreconditionConflict = (e: unknown) =>
  (e as SdkError)?.name === 'PreconditionFailed' || status(e) === 412 || status(e) === 409;
const toBytes = (body: Body) => (typeof body === 'string' ? new TextEncoder().encode(body) : body);
const unquote = (etag: string | undefined) => (etag ?? '').replace(/^"|"$/g, '');

export class S3ObjectStore implements ObjectStore {
  readonly conditionalWrites: 'enforced' | 'unenforced';
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(props: S3StoreProps) {
    this.client = props.client;
    this.bucket = props.bucket;
    this.prefix = props.prefix ?? '';
    this.conditionalWrites = props.conditionalWrites ?? 'enforced';
  }

  private async put(
    key: string,
    body: Body,
    contentType: string | undefined,
    extra: Partial<PutObjectCommandInput>,
  ) {
    const bytes = toBytes(body);
    const out = await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.prefix + key,
        Body: bytes,
        ContentLength: bytes.byteLength,
        ContentType: contentType ?? 'application/octet-stream',
        ...extra,
      }),
    );
    return { etag: unquote(out.ETag) };
  }

  async putObject(key: string, body: Body, contentType?: string): Promise<{ etag: string }> {
    try {
      return await this.put(key, body, contentType, {});
    } catch (e) {
      throw new StoreIoError('put', key, e);
    }
  }

  async getObject(key: string): Promise<Uint8Array | null> {
    return (await this.getObjectWithEtag(key))?.body ?? null;
  }

  async getObjectWithEtag(key: string): Promise<StoredObject | null> {
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }),
      );
      if (!out.Body) return null;
      return { body: await out.Body.transformToByteArray(), etag: unquote(out.ETag) };
    } catch (e) {
      if (isNotFound(e)) return null;
      throw new StoreIoError('get', key, e);
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    try {
      do {
        const out = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: this.prefix + prefix,
            ContinuationToken: token,
          }),
        );
        for (const o of out.Contents ?? []) if (o.Key) keys.push(o.Key.slice(this.prefix.length));
        token = out.IsTruncated ? out.NextContinuationToken : undefined;
      } while (token);
    } catch (e) {
      throw new StoreIoError('list', prefix, e);
    }
    return keys.sort();
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }));
    } catch (e) {
      if (!isNotFound(e)) throw new StoreIoError('delete', key, e);
    }
  }

  async putObjectIfMatch(
    key: string,
    body: Body,
    expectedEtag: string | null,
    contentType?: string,
  ): Promise<ConditionalPutResult> {
    // S3 takes the etag quoted, as it returns it.
    const condition = expectedEtag === null ? { IfNoneMatch: '*' } : { IfMatch: `"${expectedEtag}"` };
    try {
      return { ok: true, ...(await this.put(key, body, contentType, condition)) };
    } catch (e) {
      if (isPreconditionConflict(e)) return { ok: false, reason: 'conflict' };
      throw new StoreIoError('conditional put', key, e);
    }
  }
}

export function createS3Store(props: S3StoreProps): RecordStore {
  return createRecordStore(new S3ObjectStore(props), { now: Date.now, randomBytes: (n) => randomBytes(n) });
}
