/**
 * Texts with no content (issue 15, defect 11): only NUL, zero-width, control or replacement
 * characters used to count as neither empty nor unknown; text_chars is 0 for them now, so
 * integrity.empty_text counts them.
 */
import { describe, expect, it } from 'vitest';
import { emptyTextRate } from '../../../functions/lib/checks/integrity-rates.ts';
import { buildPredictionRecords } from '../../../functions/lib/http/prediction-records.ts';
import { codePointLength, hasTextContent, textChars } from '../../../functions/lib/http/text-length.ts';
import { windowFromRows } from '../../../functions/lib/monitor/window.ts';
import { makeRows } from '../monitor/make-windows.ts';

const CONTENTLESS = [
  '\u0000\u0000\u0000',
  '\u200b\u200c\u200d\u2060\ufeff',
  '\u0001\u0007\u001b[0m'.replace('[0m', ''),
  '\ufffd\ufffd',
  ' \t\r\n\u00a0\u3000',
  '\ud800',
  '\u0000\u200b\ufffd \u0085',
];

describe('text content', () => {
  it('finds no content in NUL, zero-width, control, replacement and space-only texts', () => {
    for (const t of CONTENTLESS) {
      expect(hasTextContent(t), JSON.stringify(t)).toBe(false);
      expect(textChars(t)).toBe(0);
    }
  });

  it('keeps the code-point length of any text with content, whatever else it holds', () => {
    for (const t of ['a', ' é ', '\u0000x', '日本語', '😀', '\u200bhi\u200b', '0', '!']) {
      expect(hasTextContent(t), JSON.stringify(t)).toBe(true);
      expect(textChars(t)).toBe(codePointLength(t));
    }
  });

  it('counts 800 contentless texts among 1,000 as an 80% empty-text rate', () => {
    const texts = Array.from({ length: 1000 }, (_, i) =>
      i < 800 ? CONTENTLESS[i % CONTENTLESS.length] : `text ${i}`,
    );
    const w = windowFromRows(makeRows({ n: 1000, seed: 3, textChars: (i) => textChars(texts[i]) }), 10, 1);
    expect(emptyTextRate(w)).toBeCloseTo(0.8, 12);
  });

  it('logs text_chars 0 for a contentless text sent to /predict', () => {
    const texts = ['\u0000\u200b\ufffd', 'fine'];
    const prediction = {
      label: 'POSITIVE',
      score: 0.9,
      probabilities: [0.1, 0.9],
      embedding: new Float32Array(2),
      tokenCount: 2,
      truncated: false,
      unknownTokenRatio: 0,
    };
    const records = buildPredictionRecords(texts, [prediction, prediction], {
      ids: ['a', 'b'],
      timestampMs: 0,
      model: { name: 'm', version: '1' },
      latencyMs: 1,
      requestId: 'r',
      storeText: true,
      hashText: (t) => t,
    });
    expect(records.map((r) => r.text_chars)).toEqual([0, 4]);
  });
});
