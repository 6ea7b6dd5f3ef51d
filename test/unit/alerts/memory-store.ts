// An in-memory ConditionalStore whose every call yields, so concurrent runs really interleave.
import type { ConditionalStore } from '../../../functions/lib/alerts/state.ts';

export class MemoryStore implements ConditionalStore {
  readonly objects = new Map<string, { body: Uint8Array; version: string }>();
  puts = 0;
  conflicts = 0;
  private next = 1;

  async get(key: string) {
    await new Promise((r) => setImmediate(r));
    return this.objects.get(key) ?? null;
  }

  async putIfVersion(key: string, body: Uint8Array, expectedVersion: string | null) {
    await new Promise((r) => setImmediate(r));
    const current = this.objects.get(key)?.version ?? null;
    if (current !== expectedVersion) {
      this.conflicts++;
      return false;
    }
    this.puts++;
    this.objects.set(key, { body, version: String(this.next++) });
    return true;
  }

  json(key: string): unknown {
    const o = this.objects.get(key);
    return o ? JSON.parse(new TextDecoder().decode(o.body)) : null;
  }
}
