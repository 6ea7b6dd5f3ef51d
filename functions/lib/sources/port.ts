/** A connected source: a WindowSource that can also show what it holds (`vigil source test`, declaration). */
import type { WindowSource } from '../monitor/source.ts';
import type { WindowRow } from '../monitor/window.ts';
import type { ColumnInfo, ReadPlan } from './columns.ts';

export interface SourceInspection {
  /** The source as named in messages (no secrets). */
  source: string;
  /** Every column of the source with its type. */
  columns: ColumnInfo[];
  /** The mapping checked against them. */
  plan: ReadPlan;
  /** The first rows read through the mapping. */
  sample: WindowRow[];
  /** What else is worth saying (files found, timestamp unit assumed, ...). */
  notes: string[];
}

export interface ConnectedSource extends WindowSource {
  /** Connects, checks every mapped column against the schema and reads `rows` rows; throws the source errors. */
  inspect(rows: number): Promise<SourceInspection>;
}
