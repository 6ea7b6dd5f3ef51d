/**
 * The WindowSource of a model version with a `source`: a Parquet dataset or a Postgres table, built
 * from its declaration and the process's clients. Also the declaration-time check: a reachable source
 * whose columns do not fit the mapping is refused; an unreachable one is accepted (checked at run time).
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { ModelVersion } from '../lib/models/model-version.ts';
import { SourceUnavailableError } from '../lib/sources/errors.ts';
import type { ConnectedSource } from '../lib/sources/port.ts';
import { checkSourceAgainstModel, sourceOf } from '../lib/sources/spec.ts';
import { parquetSource } from './parquet-source.ts';
import type { SqlClient } from './postgres-source.ts';

export interface SourceClients {
  /** The environment holding `{"env": NAME}` connection strings (process.env, passed by the caller). */
  env: Record<string, string | undefined>;
  /** Made on first use: the monitor needs no S3 or Secrets Manager client for Vigil's own log. */
  s3?: () => S3Client | Promise<S3Client>;
  secrets?: () => SecretsManagerClient | Promise<SecretsManagerClient>;
  /** Replaces the Postgres connection (tests: PGlite). */
  connectPostgres?: (model: ModelVersion) => Promise<SqlClient>;
  scratchDir?: string;
  /** Caps the Postgres timeouts (a declaration answers an HTTP request: it must not wait 30 s). */
  maxTimeoutMs?: number;
}

/** The model version's connected source, or null when it reads Vigil's log. */
export async function connectedSourceFor(
  model: ModelVersion,
  clients: SourceClients,
): Promise<ConnectedSource | null> {
  const spec = sourceOf(model);
  if (!spec) return null;
  checkSourceAgainstModel(spec, model);
  if (spec.type === 'parquet') {
    return parquetSource({
      spec,
      model,
      s3: spec.uri.startsWith('s3://') ? await clients.s3?.() : undefined,
      scratchDir: clients.scratchDir,
    });
  }
  const { postgresSource } = await import('./postgres-source.ts');
  const connect = async (): Promise<SqlClient> => {
    if (clients.connectPostgres) return clients.connectPostgres(model);
    const { connectPostgres, resolvePostgresConnection } = await import('./postgres-client.ts');
    const resolved = await resolvePostgresConnection(spec.connection, {
      env: clients.env,
      secrets: 'secret' in spec.connection ? await clients.secrets?.() : undefined,
    });
    const timeout = spec.timeout_ms ?? 30_000;
    return connectPostgres(resolved, Math.min(timeout, clients.maxTimeoutMs ?? timeout));
  };
  return postgresSource({ spec, model, connect });
}

/**
 * Declaration-time check of a model version's source: the mapping is checked against the source's
 * columns when the source can be reached. Throws SourceSchemaError (and ModelVersionError for a
 * mapping that contradicts the model version); returns a note when the source could not be reached.
 */
export async function checkDeclaredSource(
  model: ModelVersion,
  clients: SourceClients,
): Promise<string | null> {
  const source = await connectedSourceFor(model, clients);
  if (!source) return null;
  try {
    await source.inspect(1);
    return null;
  } catch (e) {
    if (e instanceof SourceUnavailableError)
      return `${source.describe} is not reachable now (${e.message}); checked at each run`;
    throw e;
  }
}
