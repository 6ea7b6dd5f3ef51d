/** Two ConditionalStores for alert state: local files (lock file + rename) and S3 (ETag preconditions). */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { AlertError } from '../lib/alerts/errors.ts';
import type { ConditionalStore } from '../lib/alerts/state.ts';

export interface LocalFileStoreOptions {
  /** How long a writer waits for the lock before failing (default 10 s). */
  lockTimeoutMs?: number;
  /** A lock older than this was left by a dead process and is broken (default 30 s). */
  staleLockMs?: number;
}

export class LocalFileConditionalStore implements ConditionalStore {
  private readonly root: string;
  private readonly lockTimeoutMs: number;
  private readonly staleLockMs: number;

  constructor(root: string, options: LocalFileStoreOptions = {}) {
    this.root = resolve(root);
    this.lockTimeoutMs = options.lockTimeoutMs ?? 10_000;
    this.staleLockMs = options.staleLockMs ?? 30_000;
  }

  async get(key: string): Promise<{ body: Uint8Array; version: string } | null> {
    const body = await readIfExists(this.pathOf(key));
    return body ? { body, version: contentVersion(body) } : null;
  }

  async putIfVersion(key: string, body: Uint8Array, expectedVersion: string | null): Promise<boolean> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const release = await this.lock(`${path}.lock`);
    try {
      const current = await readIfExists(path);
      const version = current ? contentVersion(current) : null;
      if (version !== expectedVersion) return false;
      // Readers never take the lock: rename swaps the whole file at once, so they see old or new.
      const tmp = `${path}.${randomUUID()}.tmp`;
      const handle = await open(tmp, 'wx');
      try {
        await handle.writeFile(body);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, path);
      return true;
    } finally {
      await release();
    }
  }

  private pathOf(key: string): string {
    const path = resolve(this.root, key);
    if (!path.startsWith(this.root + sep)) {
      throw new AlertError('ALERT_STATE_KEY_INVALID', `key "${key}" points outside ${this.root}`);
    }
    return path;
  }

  private async lock(lockPath: string): Promise<() => Promise<void>> {
    const deadline = Date.now() + this.lockTimeoutMs;
    for (let wait = 2; ; wait = Math.min(wait * 2, 50)) {
      try {
        const handle = await open(lockPath, 'wx');
        await handle.close();
        return () => unlink(lockPath).catch(() => undefined);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const age = await stat(lockPath).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      // Breaking a stale lock can race with another breaker; both then re-check the version under a fresh lock.
      if (age > this.staleLockMs) await unlink(lockPath).catch(() => undefined);
      if (Date.now() > deadline) {
        throw new AlertError(
          'ALERT_STATE_LOCK_TIMEOUT',
          `could not lock ${lockPath} within ${this.lockTimeoutMs} ms`,
        );
      }
      await new Promise((r) => setTimeout(r, wait + Math.random() * wait));
    }
  }
}

async function readIfExists(path: string): Promise<Uint8Array | null> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

function contentVersion(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}

export class S3ConditionalStore implements ConditionalStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(client: S3Client, bucket: string, prefix = '') {
    this.client = client;
    this.bucket = bucket;
    this.prefix = prefix;
  }

  async get(key: string): Promise<{ body: Uint8Array; version: string } | null> {
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }),
      );
      if (!out.Body || !out.ETag) throw new Error(`GetObject ${key} returned no body or ETag`);
      return { body: await out.Body.transformToByteArray(), version: out.ETag };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async putIfVersion(key: string, body: Uint8Array, expectedVersion: string | null): Promise<boolean> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.prefix + key,
          Body: body,
          ContentType: 'application/json',
          ...(expectedVersion === null ? { IfNoneMatch: '*' } : { IfMatch: expectedVersion }),
        }),
      );
      return true;
    } catch (err) {
      if (isLostRace(err)) return false;
      throw err;
    }
  }
}

function httpStatus(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

function isNotFound(err: unknown): boolean {
  const name = (err as { name?: string }).name;
  return name === 'NoSuchKey' || name === 'NotFound' || httpStatus(err) === 404;
}

/** 412: the object changed (or exists); 409: another conditional write to it was in flight. */
function isLostRace(err: unknown): boolean {
  const name = (err as { name?: string }).name;
  const status = httpStatus(err);
  return (
    name === 'PreconditionFailed' || name === 'ConditionalRequestConflict' || status === 412 || status === 409
  );
}
