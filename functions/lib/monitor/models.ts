/** Which model versions a store declares or holds predictions or baselines for: the run's default subjects. */
import type { ObjectStore } from '../records/store.ts';

export interface ModelVersion {
  name: string;
  version: string;
}

const MODEL_KEY_RE = /^[a-z]+\/model=([^/]+)\/version=([^/]+)\//;

export async function modelsInStore(
  store: ObjectStore,
  prefixes: readonly string[] = ['models/', 'predictions/', 'baselines/'],
): Promise<ModelVersion[]> {
  const found = new Map<string, ModelVersion>();
  for (const prefix of prefixes) {
    for (const key of await store.list(prefix)) {
      const m = MODEL_KEY_RE.exec(key);
      if (m) found.set(`${m[1]}\u0000${m[2]}`, { name: m[1], version: m[2] });
    }
  }
  return [...found.values()].sort((a, b) => (a.name + a.version < b.name + b.version ? -1 : 1));
}
