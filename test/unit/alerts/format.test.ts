import { describe, expect, it } from 'vitest';
import {
  formatEmailBody,
  formatNumber,
  formatSlackBlocks,
  formatSubject,
  messageAttributes,
  SUBJECT_MAX,
} from '../../../functions/lib/alerts/format.ts';
import { decideAlerts } from '../../../functions/lib/alerts/policy.ts';
import type { AlertNotification } from '../../../functions/lib/alerts/types.ts';
import type { Finding } from '../../../functions/lib/monitor/types.ts';
import { finding, hour, report } from './report-fixture.ts';

function notify(findings: Finding[], model = { name: 'sentiment', version: '3' }): AlertNotification {
  const d = decideAlerts({
    previous: null,
    report: report(hour(24), findings, model),
    now: new Date(hour(24)),
    reportUrl: 'https://reports.example/sentiment/3/latest.html',
  });
  if (!d.notification) throw new Error('expected a notification');
  return d.notification;
}

const mmd = finding('embedding_drift.mmd', 'alert', {
  title: 'Embedding drift (MMD)',
  method: 'mmd',
  value: 0.0421,
  pValue: 0.001,
  pValueAdjusted: 0.003,
  referenceSize: 5000,
  currentSize: 1200,
  message: 'Embeddings of the last 24 h moved away from the baseline.',
});
const ks = finding('prediction_drift.score_ks', 'alert', {
  group: 'prediction_drift',
  title: 'Score distribution (KS)',
  method: 'ks',
  value: 0.31,
  thresholds: { warning: 0.05, alert: 0.01 },
  direction: 'low_is_drift',
  pValue: 0.00002,
  pValueAdjusted: 0.0001,
});

describe('formatSubject', () => {
  it('names model, version and worst finding', () => {
    expect(formatSubject(notify([mmd, ks]))).toBe(
      '[Vigil ALERT] sentiment v3: Score distribution (KS) +1 more',
    );
  });

  it('stays under the SNS limit, in printable ASCII, on one line', () => {
    const subject = formatSubject(
      notify([{ ...mmd, title: `Drift\nof the ${'very '.repeat(40)}long kind` }], {
        name: 'modèle-analyse-émotions\t日本語',
        version: '2026.01\r\n1',
      }),
    );
    expect(subject.length).toBeLessThanOrEqual(SUBJECT_MAX);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
    expect(
      subject.startsWith('[Vigil ALERT] modele-analyse-emotions ??? v2026.01 1: Drift of the very'),
    ).toBe(true);
    expect(subject.endsWith('...')).toBe(true);
  });
});

describe('formatEmailBody', () => {
  const body = formatEmailBody(notify([mmd]));

  it('says what moved, how much, against what, with samples, corrected p-values and the link', () => {
    expect(body).toContain('Vigil alert: 1 finding needs attention for model "sentiment" version 3.');
    expect(body).toContain(`Window:    ${hour(0)} .. ${hour(24)}`);
    expect(body).toContain('Reference: baseline, 5000 records');
    expect(body).toContain('Report:    https://reports.example/sentiment/3/latest.html');
    expect(body).toContain('[ALERT] Embedding drift (MMD) (embedding_drift.mmd) - new');
    expect(body).toContain('What:      Embeddings of the last 24 h moved away from the baseline.');
    expect(body).toContain('How much:  mmd = 0.0421; alert at >= 0.02, warning at >= 0.01');
    expect(body).toContain('p-value:   0.001, Benjamini-Hochberg adjusted 0.003');
    expect(body).toContain('Samples:   reference 5000, current 1200 (minimum 100)');
  });

  it('states the direction of low-is-drift thresholds', () => {
    expect(formatEmailBody(notify([ks]))).toContain(
      'ks = 0.31; alert at <= 0.01, warning at <= 0.05 on the adjusted p-value',
    );
  });

  it('formats tiny numbers in exponent form and missing ones as n/a', () => {
    expect(formatNumber(0.00002)).toBe('2.00e-5');
    expect(formatNumber(0.123456)).toBe('0.1235');
    expect(formatNumber(null)).toBe('n/a');
    expect(formatNumber(0)).toBe('0');
  });
});

describe('formatSlackBlocks', () => {
  it('builds a Block Kit message with a header, one section per finding and a report button', () => {
    const payload = formatSlackBlocks(notify([mmd, { ...ks, title: 'Scores <b> & co' }]));
    expect(payload.text).toBe('[Vigil ALERT] sentiment v3: Scores <b> & co +1 more');
    const types = payload.blocks.map((b) => b.type);
    expect(types).toEqual(['header', 'section', 'divider', 'section', 'section', 'actions', 'context']);
    expect(payload.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: ':rotating_light: ALERT: sentiment v3', emoji: true },
    });
    const first = (payload.blocks[3] as { text: { text: string } }).text.text;
    expect(first).toContain('*Scores &lt;b&gt; &amp; co* `prediction_drift.score_ks` — alert, new');
    expect(payload.blocks[5]).toMatchObject({
      elements: [{ type: 'button', url: 'https://reports.example/sentiment/3/latest.html' }],
    });
  });

  it('stays within Slack limits when a run has many findings', () => {
    const many = Array.from({ length: 60 }, (_, i) => finding(`c${String(i).padStart(2, '0')}`, 'alert'));
    const payload = formatSlackBlocks(notify(many));
    expect(payload.blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(payload)).toContain('…and 20 more in the report');
  });
});

describe('messageAttributes', () => {
  it('exposes severity, model, version and checks for SNS filter policies', () => {
    expect(messageAttributes(notify([mmd, ks]))).toEqual({
      severity: { DataType: 'String', StringValue: 'alert' },
      model: { DataType: 'String', StringValue: 'sentiment' },
      version: { DataType: 'String', StringValue: '3' },
      check: {
        DataType: 'String.Array',
        StringValue: JSON.stringify(['prediction_drift.score_ks', 'embedding_drift.mmd']),
      },
      event: { DataType: 'String.Array', StringValue: '["firing"]' },
      notification_id: { DataType: 'String', StringValue: `sentiment/3/${hour(24)}` },
    });
  });
});

describe('email size', () => {
  it('lists at most 100 findings and points to the report for the rest', () => {
    const many = Array.from({ length: 130 }, (_, i) => finding(`c${String(i).padStart(3, '0')}`, 'alert'));
    const body = formatEmailBody(notify(many));
    expect(body.match(/^\[ALERT\]/gm)).toHaveLength(100);
    expect(body).toContain('...and 30 more findings in the report.');
  });
});
