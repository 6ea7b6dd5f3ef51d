/**
 * PGlite (Postgres compiled to WebAssembly, with pgvector) behind the source's SqlClient: the same
 * reads as node-postgres, a batch at a time through a server-side cursor (DECLARE … FETCH). Used to
 * test pgvector's `vector(n)` for real where the extension is not packaged for the server.
 */
import type { PGlite } from '@electric-sql/pglite';
import { quoteLiteral } from '../lib/sources/sql.ts';
import type { SqlClient, SqlColumn } from './postgres-source.ts';

/** `$n` replaced by literals: only numbers and strings we made (window bounds) are ever bound here. */
function inline(sql: string, params: readonly unknown[]): string {
  return sql.replace(/\$(\d+)/g, (_, n: string) => {
    const v = params[Number(n) - 1];
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    if (typeof v === 'string') return quoteLiteral(v);
    throw new Error(`cannot bind ${typeof v} as $${n}`);
  });
}

export function pgliteClient(db: PGlite, connection = 'pglite (in-process)'): SqlClient {
  const typeNames = new Map<number, string>();
  return {
    connection,
    async columns(sql): Promise<SqlColumn[]> {
      const r = await db.query(sql, [], { rowMode: 'array' });
      const oids = [...new Set(r.fields.map((f) => f.dataTypeID))].filter((o) => !typeNames.has(o));
      if (oids.length > 0) {
        const t = await db.query<{ oid: number; typname: string }>(
          `SELECT oid::int AS oid, typname FROM pg_type WHERE oid IN (${oids.map(Number).join(', ')})`,
        );
        for (const row of t.rows) typeNames.set(row.oid, row.typname);
      }
      return r.fields.map((f) => ({
        name: f.name,
        typeName: typeNames.get(f.dataTypeID) ?? String(f.dataTypeID),
        typmod: -1,
      }));
    },
    async stream(sql, params, batchSize, visit) {
      await db.transaction(async (tx) => {
        await tx.query(`DECLARE vigil_source_cursor NO SCROLL CURSOR FOR ${inline(sql, params)}`);
        for (;;) {
          const r = await tx.query<unknown[]>(
            `FETCH ${Math.max(1, Math.floor(batchSize))} FROM vigil_source_cursor`,
            [],
            {
              rowMode: 'array',
            },
          );
          if (r.rows.length === 0 || visit(r.rows) === false) break;
        }
        await tx.query('CLOSE vigil_source_cursor');
      });
    },
    async close() {
      // The database belongs to the caller; one client is one use of it.
    },
  };
}
