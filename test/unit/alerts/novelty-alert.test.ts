import { describe, expect, it } from 'vitest';
import { formatEmailBody, formatSlackBlocks } from '../../../functions/lib/alerts/format.ts';
import { decideAlerts } from '../../../functions/lib/alerts/policy.ts';
import { runMonitor } from '../../../functions/lib/monitor/run.ts';
import { createRng } from '../../../functions/lib/stats/rng.ts';
import { MODEL, makeWindow } from '../monitor/make-windows.ts';

const COMMON = Array.from({ length: 150 }, (_, i) => `word${i}`);
const NEW = ['battery', 'charger', 'headset', 'bluetooth', 'signal'];

function texts(seed: number, novelFrom = Number.POSITIVE_INFINITY) {
  const rng = createRng(seed);
  return (i: number) =>
    Array.from({ length: 6 + (i % 5) }, (_, k) =>
      i >= novelFrom && k % 2 === 0
        ? NEW[Math.floor(rng.random() * NEW.length)]
        : COMMON[Math.floor(150 * rng.random() ** 2)],
    ).join(' ');
}

describe('novelty in alert messages', () => {
  it('email and Slack say how many texts look new and name the top five characteristic words', () => {
    // Prepare: 10% of the current texts bring a new vocabulary.
    const report = runMonitor({
      model: MODEL,
      reference: makeWindow({ n: 500, dim: 8, seed: 1, idPrefix: 'ref', text: texts(1) }),
      referenceKind: 'baseline',
      current: makeWindow({ n: 500, dim: 8, seed: 2, idPrefix: 'cur', text: texts(2, 450) }),
      window: { start: '2026-12-01T00:00:00.000Z', end: '2026-12-02T00:00:00.000Z' },
      now: new Date('2026-12-02T00:00:00.000Z'),
      seed: 1,
      projector: false,
    });
    // Act
    const notification = decideAlerts({
      previous: null,
      report,
      now: new Date('2026-12-02T00:00:00.000Z'),
    }).notification;
    // Assess
    expect(notification).not.toBeNull();
    if (!notification) return;
    const email = formatEmailBody(notification);
    expect(email).toMatch(
      /\d+ of 500 texts \(\d+(\.\d)?%, expected \d(\.\d)?%\) are unlike the reference in their words/,
    );
    const words = email.match(/characteristic words \(current vs reference count\): (.*)/)?.[1] ?? '';
    const listed = [...words.matchAll(/"([^"]+)" (\d+) vs (\d+)/g)].map((m) => m[1]);
    expect(listed.length).toBe(5);
    expect(new Set(listed)).toEqual(new Set(NEW));
    const slack = JSON.stringify(formatSlackBlocks(notification).blocks);
    expect(slack).toContain('are unlike the reference in their words');
    expect(slack).toContain('\\"battery\\"');
  });
});
