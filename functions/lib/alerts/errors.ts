/** Errors of the alerting path, each with a stable code a person can search for. */

export type AlertErrorCode =
  | 'ALERT_STATE_CORRUPT'
  | 'ALERT_STATE_CONFLICT'
  | 'ALERT_STATE_KEY_INVALID'
  | 'ALERT_STATE_LOCK_TIMEOUT'
  | 'ALERT_COOLDOWN_INVALID';

export class AlertError extends Error {
  readonly code: AlertErrorCode;

  constructor(code: AlertErrorCode, message: string, options?: { cause?: unknown }) {
    super(`${code}: ${message}`, options);
    this.name = 'AlertError';
    this.code = code;
  }
}
