/**
 * SQL text primitives for the two engines the query layer targets (DuckDB and Athena/Trino): quoting
 * of identifiers and literals, and the few functions whose names differ. Nothing a user sends reaches
 * SQL except through these functions.
 */

export type SqlDialect = 'duckdb' | 'athena';

/** Thrown when a value cannot be put into SQL safely (it is refused, never escaped into something else). */
export class UnsafeSqlValueError extends Error {
  readonly code = 'UNSAFE_SQL_VALUE';
  constructor(what: string, value: unknown) {
    super(`${what} ${JSON.stringify(value)} cannot be used in a query`);
    this.name = 'UnsafeSqlValueError';
  }
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** A double-quoted identifier; only plain names are accepted (column, table and database names). */
export function ident(name: string): string {
  if (typeof name !== 'string' || !IDENTIFIER.test(name)) throw new UnsafeSqlValueError('identifier', name);
  return `"${name}"`;
}

/** A single-quoted string literal; quotes doubled, control characters refused. */
export function str(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
  if (typeof value !== 'string' || /[\u0000-\u001f]/.test(value))
    throw new UnsafeSqlValueError('string', value);
  return `'${value.replace(/'/g, "''")}'`;
}

/** An integer literal. */
export function int(value: number): string {
  if (!Number.isSafeInteger(value)) throw new UnsafeSqlValueError('integer', value);
  return String(value);
}

/** A TIMESTAMP literal (UTC, millisecond precision) both engines parse. */
export function timestamp(ms: number): string {
  if (!Number.isFinite(ms)) throw new UnsafeSqlValueError('timestamp', ms);
  return `TIMESTAMP '${new Date(ms).toISOString().replace('T', ' ').replace('Z', '')}'`;
}

/** A JSON path to one top-level key of the `fields` column. */
export function jsonPath(field: string): string {
  if (!IDENTIFIER.test(field)) throw new UnsafeSqlValueError('field name', field);
  return str(`$.${field}`);
}

/** The functions whose spelling differs between the engines. */
export interface DialectFunctions {
  /** Element k (1-based) of an array; null when out of range. */
  element(array: string, k: number): string;
  length(array: string): string;
  /** Sum of squares of a float array's elements. */
  squaredNorm(array: string): string;
  /** Lower-case hex MD5 of a string expression; both engines give the same text, so the same order. */
  md5Hex(expr: string): string;
  /** A top-level value of a JSON object text as a string (numbers and booleans as their JSON text). */
  jsonString(json: string, field: string): string;
  /** One value of a group, any of them. */
  anyValue(expr: string): string;
  /** The object a row was read from (DuckDB's virtual column, Athena's hidden one). */
  readonly sourceFile: string;
}

const DUCKDB: DialectFunctions = {
  element: (a, k) => `${a}[${int(k)}]`,
  length: (a) => `len(${a})`,
  squaredNorm: (a) => `list_dot_product(${a}, ${a})`,
  md5Hex: (e) => `md5(${e})`,
  jsonString: (j, f) => `json_extract_string(${j}, ${jsonPath(f)})`,
  anyValue: (e) => `any_value(${e})`,
  sourceFile: 'filename',
};

const ATHENA: DialectFunctions = {
  element: (a, k) => `element_at(${a}, ${int(k)})`,
  length: (a) => `cardinality(${a})`,
  squaredNorm: (a) => `reduce(${a}, 0.0E0, (s, x) -> s + CAST(x AS DOUBLE) * x, s -> s)`,
  md5Hex: (e) => `lower(to_hex(md5(to_utf8(${e}))))`,
  jsonString: (j, f) => `json_extract_scalar(${j}, ${jsonPath(f)})`,
  anyValue: (e) => `arbitrary(${e})`,
  sourceFile: '"$path"',
};

export function dialectFunctions(dialect: SqlDialect): DialectFunctions {
  return dialect === 'duckdb' ? DUCKDB : ATHENA;
}
