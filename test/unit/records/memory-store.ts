/** An in-memory ObjectStore for unit tests of the log's logic (the real adapters have their own suite). */
import { createHash } from 'node:crypto';
import type {
  Body,
  ConditionalPutResult,
  ObjectStore,
  StoredObject,
} from '../../../functions/lib/records/store.ts';

export class MemoryObjectStore implements ObjectStore {
  readonly conditionalWrites = 'enforced' as const;
  readonly objects = new Map<string, Uint8Array>();

  private static etag(bytes: Uint8Array): string {
    return createHash('md5').update(bytes).digest('hex');
  }

  async putObject(key: string, body: Body): Promise<{ etag: string }> {
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body.slice();
    this.objects.set(key, bytes);
    return { etag: MemoryObjectStore.etag(bytes) };
  }
  async getObject(key: string): Promise<Uint8Array | null> {
    return this.objects.get(key) ?? null;
  }
  async getObjectWithEtag(key: string): Promise<StoredObject | null> {
    const body = this.objects.get(key);
    return body ? { body, etag: MemoryObjectStore.etag(body) } : null;
  }
  async list(prefix: string): Promise<string[]> {
    return [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
  }
  async delete(key: string): Promise<void> {
    this.objects.delete(key);
  }
  async putObjectIfMatch(key: string, body: Body, expected: string | null): Promise<ConditionalPutResult> {
    const current = await this.getObjectWithEtag(key);
    if ((current?.etag ?? null) !== expected) return { ok: false, reason: 'conflict' };
    return { ok: true, ...(await this.putObject(key, body)) };
  }
}
