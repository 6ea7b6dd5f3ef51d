import { describe, expect, it } from 'vitest';
import { BaselineInputError, parseBaselineInput } from '../../../functions/lib/monitor/baseline-input.ts';

const LABELS = ['NEGATIVE', 'POSITIVE'];

describe('parseBaselineInput', () => {
  it('reads a .tsv with a sentence column and maps numeric labels through id2label', () => {
    const tsv = "sentence\tlabel\nit 's a charming journey . \t1\na dull mess . \t0\n";
    expect(parseBaselineInput('dev.tsv', tsv, LABELS)).toEqual([
      { text: "it 's a charming journey .", label: 'POSITIVE' },
      { text: 'a dull mess .', label: 'NEGATIVE' },
    ]);
  });

  it('reads a .tsv with a text column and no labels, splitting lines on \\n only', () => {
    const tsv = 'text\nfirst\u0085still first\nsecond\n';
    expect(parseBaselineInput('x.tsv', tsv, LABELS)).toEqual([
      { text: 'first\u0085still first', label: null },
      { text: 'second', label: null },
    ]);
  });

  it('reads .jsonl with label names or indices, and without labels', () => {
    const jsonl = '{"text":"great","label":"positive"}\n{"text":"bad","label":0}\n\n{"text":"meh"}\n';
    expect(parseBaselineInput('x.jsonl', jsonl, LABELS)).toEqual([
      { text: 'great', label: 'POSITIVE' },
      { text: 'bad', label: 'NEGATIVE' },
      { text: 'meh', label: null },
    ]);
  });

  it('rejects what it cannot read with BASELINE_INPUT_INVALID', () => {
    const cases: [string, string][] = [
      ['x.csv', 'text\nhi\n'],
      ['x.tsv', 'review\tlabel\nhi\t1\n'],
      ['x.tsv', 'text\tlabel\nhi\t7\n'],
      ['x.tsv', 'text\tlabel\nhi\tneutral\n'],
      ['x.jsonl', '{"text": 3}\n'],
      ['x.jsonl', 'not json\n'],
      ['x.tsv', 'text\n'],
    ];
    for (const [name, content] of cases) {
      expect(() => parseBaselineInput(name, content, LABELS), name + content).toThrow(BaselineInputError);
    }
    try {
      parseBaselineInput('x.tsv', 'text\tlabel\nhi\t7\n', LABELS);
    } catch (e) {
      expect((e as BaselineInputError).code).toBe('BASELINE_INPUT_INVALID');
      expect((e as Error).message).toMatch(/line 2: label 7 is not a class index/);
    }
  });
});
