/** Where alert state lives and how it is read and written: a tiny compare-and-swap store port. */
import { alertStateKey as layoutAlertStateKey } from '../records/layout.ts';
import { AlertError } from './errors.ts';
import type { AlertState } from './types.ts';

/** A key-value store whose writes succeed only against the version the writer read. */
export interface ConditionalStore {
  get(key: string): Promise<{ body: Uint8Array; version: string } | null>;
  /** Writes when the stored version is `expectedVersion` (null: the key must not exist); false otherwise. */
  putIfVersion(key: string, body: Uint8Array, expectedVersion: string | null): Promise<boolean>;
}

/** state/model=<name>/version=<v>/alerts.json, next to the reports (one definition, in the records layout). */
export function alertStateKey(model: { name: string; version: string }): string {
  return layoutAlertStateKey(model.name, model.version);
}

export function encodeAlertState(state: AlertState): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(state, null, 2)}\n`);
}

export function decodeAlertState(body: Uint8Array, key: string): AlertState {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(body));
  } catch (cause) {
    throw new AlertError('ALERT_STATE_CORRUPT', `${key} is not valid JSON`, { cause });
  }
  const s = parsed as Partial<AlertState> | null;
  if (
    s?.schemaVersion !== 1 ||
    typeof s.checks !== 'object' ||
    s.checks === null ||
    !Array.isArray(s.outbox) ||
    typeof s.model?.name !== 'string'
  ) {
    throw new AlertError('ALERT_STATE_CORRUPT', `${key} is not a schemaVersion 1 alert state`);
  }
  return s as AlertState;
}
