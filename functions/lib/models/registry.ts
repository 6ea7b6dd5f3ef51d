/** Model versions in the store: models/model=<name>/version=<version>/model.json, one object each. */
import { assertPartitionValue, predictionsModelPrefix } from '../records/layout.ts';
import type { ObjectStore } from '../records/store.ts';
import { ModelVersionError } from './errors.ts';
import { type ModelVersion, parseModelVersion, sameDeclaration, sameSchema } from './model-version.ts';

export const MODELS_PREFIX = 'models/';

export function modelVersionKey(name: string, version: string): string {
  assertPartitionValue('model name', name);
  assertPartitionValue('model version', version);
  return `${MODELS_PREFIX}model=${name}/version=${version}/model.json`;
}

const KEY_RE = /^models\/model=([^/]+)\/version=([^/]+)\/model\.json$/;

/** The stored declaration, or null. A file that no longer parses is an error naming its key. */
export async function readModelVersion(
  store: Pick<ObjectStore, 'getObject'>,
  name: string,
  version: string,
): Promise<ModelVersion | null> {
  const key = modelVersionKey(name, version);
  const bytes = await store.getObject(key);
  if (!bytes) return null;
  let body: ModelVersion;
  try {
    body = JSON.parse(new TextDecoder().decode(bytes)) as ModelVersion;
  } catch {
    throw new ModelVersionError(key, 'is not valid JSON');
  }
  // Re-validated on read: a hand-edited file ("editable as code") fails here with its path, not at 3 a.m.
  const parsed = parseModelVersion(body, {
    name,
    version,
    origin: body.origin,
    now: new Date(body.created_at ?? 0),
  });
  return parsed;
}

export interface ModelVersionPage {
  models: ModelVersion[];
  /** Pass back as `cursor` for the next page; null on the last. */
  nextCursor: string | null;
}

/** Declared model versions in key order, `limit` at a time after `cursor` (a key of the previous page). */
export async function listModelVersions(
  store: Pick<ObjectStore, 'list' | 'getObject'>,
  options: { cursor?: string | null; limit?: number } = {},
): Promise<ModelVersionPage> {
  const limit = Math.max(1, Math.min(options.limit ?? 100, 1000));
  const keys = (await store.list(MODELS_PREFIX)).filter((k) => KEY_RE.test(k));
  const start = options.cursor ? keys.findIndex((k) => k > (options.cursor as string)) : 0;
  const page = start < 0 ? [] : keys.slice(start, start + limit);
  const models: ModelVersion[] = [];
  for (const key of page) {
    const [, name, version] = KEY_RE.exec(key) as RegExpExecArray;
    const m = await readModelVersion(store, name, version);
    if (m) models.push(m);
  }
  const last = page.at(-1);
  const more = start >= 0 && start + limit < keys.length;
  return { models, nextCursor: more && last ? last : null };
}

/** Whether the log already holds records (or a baseline) of the version, so its schema is fixed. */
export async function hasRecords(
  store: Pick<ObjectStore, 'list'>,
  name: string,
  version: string,
): Promise<boolean> {
  if ((await store.list(predictionsModelPrefix(name, version))).length > 0) return true;
  return (await store.list(`baselines/model=${name}/version=${version}/`)).length > 0;
}

export type DeclareOutcome = 'created' | 'unchanged' | 'updated';

/** Thrown when a declaration changes the schema of a version that already has data. */
export class SchemaConflictError extends Error {
  readonly code = 'SCHEMA_CONFLICT';
  constructor(name: string, version: string) {
    super(
      `${name}@${version} already has records with another schema (labels, embedding_dim, text, score, ` +
        'probabilities or fields); declare a new version instead',
    );
    this.name = 'SchemaConflictError';
  }
}

/**
 * Stores a declaration: new → created; identical → unchanged (no write); a change of monitors or source
 * → updated; a change of schema → updated while the version has no data, SchemaConflictError after.
 * `created_at` of an existing declaration is kept.
 */
export async function declareModelVersion(
  store: Pick<ObjectStore, 'getObject' | 'putObject' | 'list'>,
  next: ModelVersion,
): Promise<{ outcome: DeclareOutcome; model: ModelVersion }> {
  const existing = await readModelVersion(store, next.name, next.version);
  if (existing) {
    const merged = { ...next, created_at: existing.created_at };
    if (sameDeclaration(existing, merged)) return { outcome: 'unchanged', model: existing };
    if (!sameSchema(existing, merged) && (await hasRecords(store, next.name, next.version)))
      throw new SchemaConflictError(next.name, next.version);
    await write(store, merged);
    return { outcome: 'updated', model: merged };
  }
  await write(store, next);
  return { outcome: 'created', model: next };
}

async function write(store: Pick<ObjectStore, 'putObject'>, m: ModelVersion): Promise<void> {
  await store.putObject(
    modelVersionKey(m.name, m.version),
    `${JSON.stringify(m, null, 2)}\n`,
    'application/json',
  );
}
