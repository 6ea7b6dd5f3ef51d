/**
 * node-postgres behind the source's SqlClient: pg-cursor reads a batch at a time; connect, statement
 * and query timeouts bound every call. The connection comes from an environment variable or a Secrets
 * Manager secret (an RDS secret's JSON or a URL); messages name where it came from, never the password.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import pg from 'pg';
import Cursor from 'pg-cursor';
import { SourceUnavailableError } from '../lib/sources/errors.ts';
import type { PostgresConnection } from '../lib/sources/spec.ts';
import type { SqlClient, SqlColumn } from './postgres-source.ts';

export const DEFAULT_POSTGRES_TIMEOUT_MS = 30_000;

export interface ResolvedConnection {
  config: pg.ClientConfig;
  /** e.g. `env:VIGIL_PG_URL (db.internal:5432/app)`. */
  describe: string;
}

function where(config: pg.ClientConfig): string {
  return `${config.host ?? 'localhost'}:${config.port ?? 5432}/${config.database ?? ''}`;
}

function fromUrl(url: string, origin: string): pg.ClientConfig {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new SourceUnavailableError(origin, `${origin} is not a postgres:// URL`);
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:')
    throw new SourceUnavailableError(origin, `${origin} is not a postgres:// URL`);
  return {
    host: decodeURIComponent(u.hostname),
    port: u.port ? Number(u.port) : 5432,
    database: decodeURIComponent(u.pathname.replace(/^\//, '')) || undefined,
    user: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    ssl: ['require', 'verify-full', 'verify-ca'].includes(u.searchParams.get('sslmode') ?? '')
      ? { rejectUnauthorized: u.searchParams.get('sslmode') !== 'require' }
      : undefined,
  };
}

/** The client configuration of a declared connection. `env` is the process environment (wired by the caller). */
export async function resolvePostgresConnection(
  connection: PostgresConnection,
  deps: { env: Record<string, string | undefined>; secrets?: SecretsManagerClient },
): Promise<ResolvedConnection> {
  if ('env' in connection) {
    const origin = `env:${connection.env}`;
    const url = deps.env[connection.env];
    if (!url)
      throw new SourceUnavailableError(origin, `the environment variable ${connection.env} is not set`);
    const config = fromUrl(url, origin);
    return { config, describe: `${origin} (${where(config)})` };
  }
  const origin = `secret:${connection.secret}`;
  if (!deps.secrets) throw new SourceUnavailableError(origin, 'no Secrets Manager client was configured');
  let text: string | undefined;
  try {
    const out = await deps.secrets.send(new GetSecretValueCommand({ SecretId: connection.secret }));
    text = out.SecretString;
  } catch (e) {
    const err = e as { name?: string; message?: string };
    throw new SourceUnavailableError(
      origin,
      `cannot read the secret ${connection.secret}: ${err.name ?? ''} ${err.message ?? ''}`.trim(),
    );
  }
  if (!text) throw new SourceUnavailableError(origin, `the secret ${connection.secret} has no SecretString`);
  let config: pg.ClientConfig;
  if (/^postgres(ql)?:\/\//.test(text.trim())) config = fromUrl(text.trim(), origin);
  else {
    let s: Record<string, unknown>;
    try {
      s = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new SourceUnavailableError(origin, 'the secret is neither a postgres:// URL nor JSON');
    }
    config = {
      host: String(s.host ?? ''),
      port: Number(s.port ?? 5432),
      database: String(s.dbname ?? s.database ?? ''),
      user: String(s.username ?? s.user ?? ''),
      password: String(s.password ?? ''),
      // RDS secrets: the instance requires TLS by default in recent engines.
      ssl: s.ssl === false ? undefined : { rejectUnauthorized: false },
    };
  }
  return { config, describe: `${origin} (${where(config)})` };
}

/** Opens a node-postgres client with timeouts; connection failures are SourceUnavailableError. */
export async function connectPostgres(
  resolved: ResolvedConnection,
  timeoutMs = DEFAULT_POSTGRES_TIMEOUT_MS,
): Promise<SqlClient> {
  const client = new pg.Client({
    ...resolved.config,
    connectionTimeoutMillis: timeoutMs,
    // Server-side bound of single statements; a cursor's statement lasts the whole window read, so its
    // reads are bounded one by one on this side instead (see stream).
    statement_timeout: timeoutMs,
    application_name: 'vigil-monitor',
  });
  // An idle connection dropped by the server emits 'error'; the next call fails with it instead.
  client.on('error', () => undefined);
  try {
    await client.connect();
    // The monitor only reads: a mapping's query can never change the user's data.
    await client.query('SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY');
  } catch (e) {
    await client.end().catch(() => undefined);
    const err = e as { code?: string; message?: string };
    throw new SourceUnavailableError(
      resolved.describe,
      `cannot connect to ${resolved.describe}: ${err.message ?? String(e)}${err.code ? ` (${err.code})` : ''}`,
    );
  }
  const typeNames = new Map<number, string>();
  const namesOf = async (oids: number[]) => {
    const missing = [...new Set(oids.filter((o) => !typeNames.has(o)))];
    if (missing.length === 0) return;
    const r = await client.query<{ oid: number; typname: string }>(
      'SELECT oid::int AS oid, typname FROM pg_type WHERE oid = ANY($1::oid[])',
      [missing],
    );
    for (const row of r.rows) typeNames.set(row.oid, row.typname);
  };
  // A client-side bound per call (not per window read: a large window takes many reads).
  let broken = false;
  const within = <T>(p: Promise<T>, what: string): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // The connection is in an unknown state after a timeout: close it, and use it no more.
        broken = true;
        void client.end().catch(() => undefined);
        reject(
          new SourceUnavailableError(
            resolved.describe,
            `${resolved.describe}: no answer within ${timeoutMs} ms while ${what}`,
          ),
        );
      }, timeoutMs);
    });
    return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
  };
  return {
    connection: resolved.describe,
    async columns(sql): Promise<SqlColumn[]> {
      const r = await within(client.query({ text: sql, rowMode: 'array' }), 'describing the columns');
      await namesOf(r.fields.map((f) => f.dataTypeID));
      return r.fields.map((f) => ({
        name: f.name,
        typeName: typeNames.get(f.dataTypeID) ?? String(f.dataTypeID),
        typmod: f.dataTypeModifier,
      }));
    },
    async stream(sql, params, batchSize, visit) {
      await client.query('SET statement_timeout = 0');
      const cursor = client.query(new Cursor(sql, [...params], { rowMode: 'array' }));
      try {
        for (;;) {
          const rows = (await within(cursor.read(batchSize), `reading ${batchSize} rows`)) as unknown[][];
          if (rows.length === 0) return;
          if (visit(rows) === false) return;
        }
      } finally {
        if (!broken) {
          await cursor.close();
          await client.query(`SET statement_timeout = ${Math.floor(timeoutMs)}`).catch(() => undefined);
        }
      }
    },
    async close() {
      if (!broken) await client.end();
    },
  };
}
