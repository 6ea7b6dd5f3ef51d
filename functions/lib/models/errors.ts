/** Errors of model-version declarations and of records checked against them, with stable codes. */

/** A model version (or its monitors) that breaks a rule; `path` is the JSON path, e.g. `monitors.p_value.alert`. */
export class ModelVersionError extends Error {
  readonly code = 'INVALID_MODEL_VERSION';
  constructor(
    readonly path: string,
    readonly rule: string,
  ) {
    super(`${path}: ${rule}`);
    this.name = 'ModelVersionError';
  }
}

/** A logged record that does not fit its model version's schema; the whole batch is refused. */
export class SchemaMismatchError extends Error {
  readonly code = 'SCHEMA_MISMATCH';
  constructor(
    readonly index: number,
    readonly field: string,
    rule: string,
  ) {
    super(`records[${index}].${field}: ${rule}`);
    this.name = 'SchemaMismatchError';
  }
}
