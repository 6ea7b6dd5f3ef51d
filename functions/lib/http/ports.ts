/**
 * What the HTTP handlers need from the prediction log: narrow ports that the RecordStore of
 * functions/lib/records/store.ts satisfies structurally.
 */
import type { ActualRecord, PredictionRecord } from '../records/schema.ts';

export interface PredictionLog {
  /** Resolves once the records are durable; any rejection means they are not. */
  putPredictions(records: readonly PredictionRecord[]): Promise<unknown>;
}

export interface ActualsLog {
  /** Actuals carry no model name, so the handler names the model whose partition they go to. */
  putActuals(records: readonly ActualRecord[], model: string): Promise<unknown>;
}

export type TextHasher = (text: string) => string;
export type RandomBytes = (length: number) => Uint8Array;
