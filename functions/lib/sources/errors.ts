/** Errors of connected sources, with stable codes: the run stops with them and says what to fix. */

/** The source holds no column the mapping names, one of another type, or embeddings of another length. */
export class SourceSchemaError extends Error {
  readonly code = 'SOURCE_SCHEMA_ERROR';
  constructor(
    /** The user's column (or `table`/`query`) the problem concerns. */
    readonly column: string,
    message: string,
  ) {
    super(message);
    this.name = 'SourceSchemaError';
  }
}

/** The source could not be reached: connection refused, authentication, timeout, missing objects. */
export class SourceUnavailableError extends Error {
  readonly code = 'SOURCE_UNAVAILABLE';
  constructor(
    /** The connection without secrets, e.g. `postgres env:VIGIL_PG_URL (db.internal:5432/app)`. */
    readonly connection: string,
    message: string,
  ) {
    super(message);
    this.name = 'SourceUnavailableError';
  }
}

export function isSourceError(e: unknown): e is SourceSchemaError | SourceUnavailableError {
  return e instanceof SourceSchemaError || e instanceof SourceUnavailableError;
}
