import { describe, expect, it } from 'vitest';
import { parseSst2Tsv } from '../../../tools/train/sst2.ts';

describe('parseSst2Tsv', () => {
  it('skips the header and splits each row on its last tab', () => {
    const rows = parseSst2Tsv("sentence\tlabel\na film\twith a tab \t1\nit is n't good \t0\n");
    expect(rows).toEqual([
      { text: 'a film\twith a tab', label: 1 },
      { text: "it is n't good", label: 0 },
    ]);
  });

  it('rejects a row with an unknown label with a stable code', () => {
    expect(() => parseSst2Tsv('sentence\tlabel\nfine \t2\n')).toThrow(/SST2_BAD_ROW/);
  });
});
