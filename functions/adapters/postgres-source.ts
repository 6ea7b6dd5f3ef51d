/**
 * A Postgres table or query the user already has, as a WindowSource: `WHERE ts >= $1 AND ts < $2`
 * read through a cursor a batch at a time into the WindowAccumulator (bounded memory, never the whole
 * table). The database is reached through a small client interface, implemented by node-postgres
 * (postgres-client.ts) and by PGlite (pglite-client.ts, for pgvector in tests).
 */
import { createHash } from 'node:crypto';
import type { ModelVersion } from '../lib/models/model-version.ts';
import type { WindowLoadOptions, WindowRange } from '../lib/monitor/source.ts';
import { type MonitorWindow, WindowAccumulator, type WindowRow } from '../lib/monitor/window.ts';
import { type ColumnInfo, type ColumnKind, planRead, type ReadPlan } from '../lib/sources/columns.ts';
import { SourceSchemaError, SourceUnavailableError } from '../lib/sources/errors.ts';
import type { ConnectedSource, SourceInspection } from '../lib/sources/port.ts';
import { rowMapper } from '../lib/sources/rows.ts';
import type { PostgresSourceSpec } from '../lib/sources/spec.ts';
import {
  type EpochUnit,
  epochBounds,
  guessEpochUnit,
  postgresRelation,
  postgresSchemaQuery,
  postgresSelectList,
  postgresWindowQuery,
  quoteIdent,
} from '../lib/sources/sql.ts';

/** A result column as the server describes it. */
export interface SqlColumn {
  name: string;
  /** pg_type.typname, e.g. `float4`, `_float4`, `jsonb`, `vector`, `timestamptz`. */
  typeName: string;
  /** Type modifier: pgvector's dimension, -1 when none. */
  typmod: number;
}

/** The little a source needs from a Postgres connection. */
export interface SqlClient {
  /** The connection as named in messages (never a password). */
  readonly connection: string;
  columns(sql: string): Promise<SqlColumn[]>;
  /** Streams the rows of `sql` (each a list of values), `batchSize` at a time; `visit` may stop it with false. */
  stream(
    sql: string,
    params: readonly unknown[],
    batchSize: number,
    visit: (rows: unknown[][]) => boolean | undefined,
  ): Promise<void>;
  close(): Promise<void>;
}

export interface PostgresSourceOptions {
  spec: PostgresSourceSpec;
  model: ModelVersion;
  /** Opens a connection (one per window read); errors are SourceUnavailableError. */
  connect: () => Promise<SqlClient>;
  /** Rows per cursor read. @default 1000 */
  batchSize?: number;
}

const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** A Postgres type name reduced to what the mapping needs. */
export function postgresColumnKind(c: SqlColumn): { kind: ColumnKind; length?: number } {
  const t = c.typeName;
  if (['text', 'varchar', 'bpchar', 'name', 'citext'].includes(t)) return { kind: 'string' };
  if (['int2', 'int4', 'int8'].includes(t)) return { kind: 'integer' };
  if (['float4', 'float8', 'numeric'].includes(t)) return { kind: 'float' };
  if (t === 'bool') return { kind: 'boolean' };
  if (['timestamp', 'timestamptz', 'date'].includes(t)) return { kind: 'timestamp' };
  if (['_float4', '_float8', '_numeric', '_int4', '_int8'].includes(t)) return { kind: 'float_list' };
  if (t === 'json' || t === 'jsonb') return { kind: 'json' };
  if (t === 'vector' || t === 'halfvec')
    return c.typmod > 0 ? { kind: 'vector', length: c.typmod } : { kind: 'vector' };
  return { kind: 'other' };
}

const PG_TYPE_NAMES: Record<string, string> = {
  text: 'text',
  float4: 'real',
  float8: 'double precision',
  _float4: 'real[]',
  _float8: 'double precision[]',
  int4: 'integer',
  int8: 'bigint',
  timestamptz: 'timestamp with time zone',
  timestamp: 'timestamp without time zone',
};

function displayType(c: SqlColumn): string {
  if (c.typeName === 'vector' && c.typmod > 0) return `vector(${c.typmod})`;
  return PG_TYPE_NAMES[c.typeName] ?? c.typeName;
}

/** Database errors by SQLSTATE: what the user's mapping or SQL got wrong is a schema error. */
export function classifyPostgresError(e: unknown, connection: string, what: string): Error {
  if (e instanceof SourceSchemaError || e instanceof SourceUnavailableError) return e;
  const err = e as { code?: string; message?: string; column?: string };
  const msg = err?.message ?? String(e);
  if (err?.code === '42P01') return new SourceSchemaError(what, `${what}: ${msg}`);
  if (err?.code === '42703') return new SourceSchemaError(/"([^"]+)"/.exec(msg)?.[1] ?? what, msg);
  if (err?.code === '42601' || err?.code === '42883' || err?.code === '42804')
    return new SourceSchemaError(what, `${what}: ${msg}`);
  return new SourceUnavailableError(connection, `${connection}: ${msg}`);
}

export function postgresSource(opts: PostgresSourceOptions): ConnectedSource {
  const { spec, model } = opts;
  const batchSize = opts.batchSize ?? 1000;
  const relationName = spec.table ?? 'query';
  const describe = `postgres ${'env' in spec.connection ? `env:${spec.connection.env}` : `secret:${spec.connection.secret}`} ${relationName}`;

  const session = async <T>(fn: (client: SqlClient) => Promise<T>): Promise<T> => {
    let client: SqlClient;
    try {
      client = await opts.connect();
    } catch (e) {
      throw classifyPostgresError(e, describe, relationName);
    }
    try {
      return await fn(client);
    } catch (e) {
      throw classifyPostgresError(e, client.connection, relationName);
    } finally {
      await client.close().catch(() => undefined);
    }
  };

  const prepare = async (
    client: SqlClient,
  ): Promise<{ plan: ReadPlan; columns: ColumnInfo[]; unit: EpochUnit; tsType: string }> => {
    const columns = (await client.columns(postgresSchemaQuery(spec))).map((c) => ({
      name: c.name,
      type: displayType(c),
      ...postgresColumnKind(c),
    }));
    const plan = planRead(spec, model, columns);
    const ts = columns.find((c) => c.name === plan.timestamp.column) as ColumnInfo;
    let unit: EpochUnit = spec.timestamp_unit ?? 'ms';
    if (plan.timestamp.kind === 'epoch' && !spec.timestamp_unit) {
      const c = quoteIdent(plan.timestamp.column);
      let first: number | null = null;
      await client.stream(
        `SELECT ${c}::float8 FROM ${postgresRelation(spec)} WHERE ${c} IS NOT NULL LIMIT 1`,
        [],
        1,
        (rows) => {
          first = rows[0] ? Number(rows[0][0]) : null;
          return false;
        },
      );
      unit = guessEpochUnit(first);
    }
    return { plan, columns, unit, tsType: ts.type };
  };

  const bounds = (plan: ReadPlan, unit: EpochUnit, range: WindowRange): unknown[] =>
    plan.timestamp.kind === 'epoch'
      ? epochBounds(range, unit)
      : [new Date(range.fromMs).toISOString(), new Date(range.toMs).toISOString()];

  return {
    describe,
    async loadWindow(range: WindowRange, options: WindowLoadOptions): Promise<MonitorWindow> {
      const acc = new WindowAccumulator(options.capacity, options.seed, {
        fields: options.fields,
        segmentFields: options.segmentFields,
      });
      acc.expectDimension(model.embedding_dim);
      await session(async (client) => {
        const { plan, unit } = await prepare(client);
        const map = rowMapper({ plan, model, labelCodes: spec.labels, hashText: sha256Hex });
        await client.stream(postgresWindowQuery(plan, spec), bounds(plan, unit, range), batchSize, (rows) => {
          for (const r of rows) acc.add(map(r));
          return undefined;
        });
      });
      // One query is the one unit read (the log counts files): integrity.schema sees a read source.
      acc.files = 1;
      return acc.build();
    },

    async inspect(rows: number): Promise<SourceInspection> {
      return session(async (client) => {
        const { plan, columns, unit, tsType } = await prepare(client);
        const map = rowMapper({ plan, model, labelCodes: spec.labels, hashText: sha256Hex });
        const sample: WindowRow[] = [];
        const limit = Math.max(0, Math.floor(rows));
        await client.stream(
          `SELECT ${postgresSelectList(plan)} FROM ${postgresRelation(spec)} LIMIT ${limit}`,
          [],
          Math.max(1, limit),
          (batch) => {
            for (const r of batch) sample.push(map(r));
            return undefined;
          },
        );
        const notes = [
          `connected: ${client.connection}`,
          `timestamp ${plan.timestamp.column}: ${tsType}${plan.timestamp.kind === 'epoch' ? ` (epoch ${unit})` : ''}`,
        ];
        return { source: describe, columns, plan, sample, notes };
      });
    },
  };
}
