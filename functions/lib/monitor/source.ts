/**
 * Where a monitoring run's windows come from: one port, so Vigil's own log, a Parquet dataset, a
 * Postgres table or a SQL engine's aggregates all give the checks the same MonitorWindow.
 */
import type { MonitorWindow } from './window.ts';

export interface WindowRange {
  /** Inclusive, epoch milliseconds. */
  fromMs: number;
  /** Exclusive, epoch milliseconds. */
  toMs: number;
}

export interface WindowLoadOptions {
  /** Embeddings kept as the window's uniform sample (see windowSampleCapacity). */
  capacity: number;
  seed: number;
  /** Declared extra fields to keep per row (their values feed field and segment checks). */
  fields?: readonly string[];
  /** Fields whose values get their own embedding sample (segments). */
  segmentFields?: readonly string[];
  /** The reference's embedding width: rows of another width are rejected (counted), not fatal. */
  expectDimension?: number;
}

export interface WindowSource {
  /** A short description for logs and errors, e.g. `vigil log`, `parquet ./dir`, `postgres public.preds`. */
  readonly describe: string;
  loadWindow(range: WindowRange, options: WindowLoadOptions): Promise<MonitorWindow>;
}
