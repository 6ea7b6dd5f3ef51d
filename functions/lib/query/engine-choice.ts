/**
 * Which engine reads a window: in the process (every record streamed through this function) or a SQL
 * engine (aggregates and a hashed sample computed where the data is). `auto` counts the window's rows
 * with one cheap query (the id column only) and picks SQL above IN_PROCESS_MAX_RECORDS.
 */
import type { WindowLoadOptions, WindowRange, WindowSource } from '../monitor/source.ts';
import type { MonitorWindow } from '../monitor/window.ts';
import type { QueryEngine } from './port.ts';
import { SqlWindowSource } from './sql-window-source.ts';
import { countQuery } from './window-queries.ts';

export type MonitorEngineSetting = 'in-process' | 'sql' | 'auto';

/**
 * The documented default (README, "Deploy to AWS"): windows up to 200,000 records stream in process;
 * larger ones go to SQL, whose time and memory grow with the sample, not the window (bench/RESULTS.md).
 */
export const IN_PROCESS_MAX_RECORDS = 200_000;

export class UnknownEngineError extends Error {
  readonly code = 'INVALID_ENGINE';
  constructor(value: string) {
    super(`engine must be in-process, sql or auto, got ${JSON.stringify(value)}`);
    this.name = 'UnknownEngineError';
  }
}

export function parseEngineSetting(
  value: string | undefined,
  fallback: MonitorEngineSetting,
): MonitorEngineSetting {
  if (value === undefined || value === '') return fallback;
  if (value === 'in-process' || value === 'sql' || value === 'auto') return value;
  throw new UnknownEngineError(value);
}

export interface EngineChoiceOptions {
  setting: MonitorEngineSetting;
  /** Vigil's own log read in process. */
  inProcess: WindowSource;
  /** The SQL engine; required unless the setting is in-process. */
  engine?: QueryEngine;
  model: { name: string; version: string };
  /** @default IN_PROCESS_MAX_RECORDS */
  maxInProcessRecords?: number;
  /** Told which engine read each window, for the run's log. */
  onChoice?: (engine: 'in-process' | 'sql', rows: number | null) => void;
}

/** A WindowSource that reads each window with the engine the setting (and, for auto, its size) picks. */
export function chooseWindowSource(options: EngineChoiceOptions): WindowSource {
  const { setting, inProcess, engine, model } = options;
  if (setting === 'in-process') return inProcess;
  if (!engine) throw new Error(`engine "${setting}" needs a SQL engine`);
  const sql = new SqlWindowSource(engine, model);
  if (setting === 'sql') return sql;
  const limit = options.maxInProcessRecords ?? IN_PROCESS_MAX_RECORDS;
  return {
    describe: `auto (in-process up to ${limit} records, else ${sql.describe})`,
    async loadWindow(range: WindowRange, load: WindowLoadOptions): Promise<MonitorWindow> {
      const scope = { model: model.name, version: model.version, ...range };
      const relation = await engine.relation(scope);
      let rows = 0;
      if (relation !== null) {
        const r = await engine.query(countQuery({ dialect: engine.dialect, relation, scope }));
        rows = Number(r.values.row_count?.[0] ?? 0);
      }
      const pick = rows > limit ? 'sql' : 'in-process';
      options.onChoice?.(pick, rows);
      return (pick === 'sql' ? sql : inProcess).loadWindow(range, load);
    },
  };
}
