import { describe, expect, it } from 'vitest';
import type { WindowSource } from '../../../functions/lib/monitor/source.ts';
import { windowFromRows } from '../../../functions/lib/monitor/window.ts';
import {
  chooseWindowSource,
  IN_PROCESS_MAX_RECORDS,
  parseEngineSetting,
} from '../../../functions/lib/query/engine-choice.ts';
import type { QueryEngine } from '../../../functions/lib/query/port.ts';
import { SqlWindowSource } from '../../../functions/lib/query/sql-window-source.ts';

const MODEL = { name: 'reviews', version: '3' };
const range = { fromMs: 0, toMs: 3_600_000 };

/** An engine that only answers the count query, with `rows` rows, and records what it was asked. */
function countingEngine(rows: number): QueryEngine & { sql: string[] } {
  const sql: string[] = [];
  return {
    dialect: 'duckdb',
    sql,
    relation: async () => 't',
    async query(text) {
      sql.push(text);
      if (!text.includes('row_count')) throw new Error('the SQL window source was used');
      return { columns: ['row_count'], values: { row_count: [rows], id_count: [rows] }, rowCount: 1 };
    },
  };
}

const inProcess = (calls: string[]): WindowSource => ({
  describe: 'log',
  async loadWindow(_r, o) {
    calls.push('in-process');
    return windowFromRows([], o.capacity, o.seed);
  },
});

describe('chooseWindowSource', () => {
  it('returns the in-process reader or the SQL source as configured', () => {
    const calls: string[] = [];
    expect(
      chooseWindowSource({ setting: 'in-process', inProcess: inProcess(calls), model: MODEL }).describe,
    ).toBe('log');
    expect(
      chooseWindowSource({
        setting: 'sql',
        inProcess: inProcess(calls),
        engine: countingEngine(0),
        model: MODEL,
      }),
    ).toBeInstanceOf(SqlWindowSource);
    expect(() => chooseWindowSource({ setting: 'sql', inProcess: inProcess(calls), model: MODEL })).toThrow(
      /SQL engine/,
    );
  });

  it('auto: streams a window up to the limit in process, after one count query', async () => {
    const calls: string[] = [];
    const engine = countingEngine(IN_PROCESS_MAX_RECORDS);
    const picks: string[] = [];
    const source = chooseWindowSource({
      setting: 'auto',
      inProcess: inProcess(calls),
      engine,
      model: MODEL,
      onChoice: (p) => picks.push(p),
    });
    await source.loadWindow(range, { capacity: 10, seed: 1 });
    expect(calls).toEqual(['in-process']);
    expect(picks).toEqual(['in-process']);
    expect(engine.sql).toHaveLength(1);
    expect(engine.sql[0]).toContain(`"model" = 'reviews'`);
  });

  it('auto: sends a window over the limit to SQL', async () => {
    const calls: string[] = [];
    const picks: string[] = [];
    const source = chooseWindowSource({
      setting: 'auto',
      inProcess: inProcess(calls),
      engine: countingEngine(11),
      model: MODEL,
      maxInProcessRecords: 10,
      onChoice: (p) => picks.push(p),
    });
    // The counting engine refuses anything but a count, so reaching SQL shows as this error.
    await expect(source.loadWindow(range, { capacity: 10, seed: 1 })).rejects.toThrow(/SQL window source/);
    expect(picks).toEqual(['sql']);
    expect(calls).toEqual([]);
  });
});

describe('parseEngineSetting', () => {
  it('accepts the three settings and refuses others with a code', () => {
    expect(parseEngineSetting(undefined, 'auto')).toBe('auto');
    expect(parseEngineSetting('sql', 'auto')).toBe('sql');
    expect(() => parseEngineSetting('spark', 'auto')).toThrow(
      expect.objectContaining({ code: 'INVALID_ENGINE' }),
    );
  });
});
