/** HTTP errors a caller can cause or must retry, each with a stable code and the status it answers. */

export type HttpErrorCode =
  | 'INVALID_JSON'
  | 'INVALID_REQUEST'
  | 'BATCH_TOO_LARGE'
  | 'TEXT_TOO_LONG'
  | 'PAYLOAD_TOO_LARGE'
  | 'RECORD_TOO_LARGE'
  | 'UNKNOWN_LABEL'
  | 'NOT_FOUND'
  | 'REPORT_NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'FORBIDDEN_ORIGIN'
  | 'LOG_WRITE_FAILED'
  | 'SCHEMA_MISMATCH'
  | 'MODEL_NOT_FOUND'
  | 'SCHEMA_CONFLICT'
  | 'INVALID_MODEL_VERSION'
  | 'SOURCE_SCHEMA_ERROR'
  | 'RUN_NOT_FOUND'
  | 'DASHBOARD_NOT_FOUND'
  | 'INVALID_DASHBOARD'
  | 'CONSOLE_UNAVAILABLE'
  | 'INTERNAL_ERROR';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: HttpErrorCode,
    message: string,
    /** Extra response headers, e.g. Allow on a 405. */
    readonly headers: Record<string, string> = {},
    /** Extra members of the error object, e.g. `index` and `field` of a SCHEMA_MISMATCH. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const invalidRequest = (message: string) => new HttpError(400, 'INVALID_REQUEST', message);
