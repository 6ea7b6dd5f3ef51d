import { describe, expect, it } from 'vitest';
import { characteristicWords } from '../../../functions/lib/checks/characteristic-words.ts';
import { noveltyAnalysis, noveltyChecks } from '../../../functions/lib/checks/novelty.ts';
import { MAX_TEXT_WORDS, recordTokens } from '../../../functions/lib/checks/novelty-sample.ts';
import { runMonitor } from '../../../functions/lib/monitor/run.ts';
import { createRng } from '../../../functions/lib/stats/rng.ts';
import { MODEL, makeWindow } from '../monitor/make-windows.ts';
import { ctxOf } from './ctx.ts';

const COMMON = Array.from({ length: 200 }, (_, i) => `word${i}`);
const NEW = ['battery', 'charger', 'headset', 'bluetooth', 'signal', 'screen'];

function texts(seed: number, novelFrom = Number.POSITIVE_INFINITY) {
  const rng = createRng(seed);
  return (i: number) =>
    Array.from({ length: 6 + (i % 7) }, (_, k) =>
      i >= novelFrom && k % 2 === 0
        ? NEW[Math.floor(rng.random() * NEW.length)]
        : COMMON[Math.floor(200 * rng.random() ** 2)],
    ).join(' ');
}

describe('novelty checks', () => {
  it('hold their false-alarm rate on windows from one distribution (120 runs)', () => {
    // Prepare
    const hits = new Map<string, number>();
    const rankPs: number[] = [];
    const runs = 120;
    for (let r = 0; r < runs; r++) {
      const ref = makeWindow({ n: 160, dim: 8, seed: 1000 + r, idPrefix: 'ref', text: texts(r) });
      const cur = makeWindow({ n: 120, dim: 8, seed: 5000 + r, idPrefix: 'cur', text: texts(9000 + r) });
      // Act
      const drafts = noveltyChecks(ctxOf(ref, cur, { seed: r }));
      // Assess (below)
      for (const d of drafts) if ((d.pValue ?? 1) < 0.05) hits.set(d.check, (hits.get(d.check) ?? 0) + 1);
      rankPs.push(drafts.find((d) => d.check === 'novelty.embedding_rank')?.pValue ?? Number.NaN);
    }
    const bound = 0.05 + 1.645 * Math.sqrt((0.05 * 0.95) / runs) + 0.02;
    for (const [check, n] of hits) expect(n / runs, check).toBeLessThan(bound);
    expect(rankPs.every(Number.isFinite)).toBe(true);
    expect(rankPs.reduce((s, p) => s + p, 0) / runs).toBeGreaterThan(0.4);
  });

  it('find 10% of current texts with a new vocabulary, and say how many', () => {
    const ref = makeWindow({ n: 600, dim: 8, seed: 1, idPrefix: 'ref', text: texts(1) });
    const cur = makeWindow({ n: 500, dim: 8, seed: 2, idPrefix: 'cur', text: texts(2, 450) });
    const ctx = ctxOf(ref, cur);
    const a = noveltyAnalysis(ctx);
    const byCheck = new Map(noveltyChecks(ctx).map((d) => [d.check, d]));
    expect(byCheck.get('novelty.word_excess')?.pValue).toBeLessThan(0.01);
    expect(byCheck.get('novelty.token_tail')?.pValue).toBeLessThan(0.001);
    expect(byCheck.get('novelty.token_tail')?.describe).toMatch(
      /^\d+ of 500 texts \(\d+(\.\d)?%, expected 5%\) are unlike the reference in their words$/,
    );
    expect(byCheck.get('novelty.word_excess')?.describe).toContain('"battery"');
    // Its top list names words and adjacent word pairs by their text, with current and reference counts.
    const listed = byCheck.get('novelty.word_excess')?.details?.words as { token: string; current: number }[];
    const pairs = listed.filter((w) => w.token.includes(' '));
    expect(listed.filter((w) => NEW.includes(w.token))).toHaveLength(NEW.length);
    expect(pairs.length).toBeGreaterThan(0);
    const curTexts = [...cur.sampleText.values()].map((t) => ` ${t} `);
    for (const p of pairs) expect(curTexts.filter((t) => t.includes(` ${p.token} `)).length).toBe(p.current);
    // The new texts share rare words with each other: they are each other's nearest texts, and the
    // finding lists them (by id, with their current neighbours) and quotes a few.
    const nbrs = byCheck.get('novelty.text_neighbours');
    expect(nbrs?.pValue).toBeLessThan(0.01);
    // 500 of 1,100 pooled texts are current: 9 neighbours, so that 8 current ones are a 1% event.
    expect(nbrs?.details?.k).toBe(9);
    expect(nbrs?.describe).toMatch(
      /^\d+ of 500 current texts have at least 8 current texts among their 9 nearest/,
    );
    const clustered = nbrs?.details?.clustered as { id: string; text: string; currentNeighbours: string[] }[];
    expect(clustered.length).toBe(nbrs?.value);
    // Rows 450 .. 499 are the new texts: they lead the list, and chance clusters few others.
    const planted = (id: string) => Number(id.split('-')[1]) >= 450;
    expect(clustered.slice(0, 10).every((c) => planted(c.id) && NEW.some((w) => c.text.includes(w)))).toBe(
      true,
    );
    expect(clustered.filter((c) => planted(c.id)).length).toBeGreaterThan(0.8 * clustered.length);
    for (const c of clustered) expect(c.currentNeighbours.length).toBeGreaterThanOrEqual(8);
    // The description quotes the first three clustered texts (cut to 120 characters).
    const quoted = [...(nbrs?.describe ?? '').matchAll(/"([^"]*)"/g)].map((m) => m[1]);
    expect(quoted).toEqual(clustered.slice(0, 3).map((c) => c.text));
    // The most novel records are the new ones.
    const top = a.records.slice(0, 20);
    expect(top.filter((r) => NEW.some((w) => r.text?.includes(w))).length).toBeGreaterThanOrEqual(18);
    expect(a.records[0].novelty).toBeGreaterThan(a.records.at(-1)?.novelty ?? 1);
  });

  it('characteristic words list the new vocabulary with counts, and typical texts of each side', () => {
    const ref = makeWindow({ n: 300, dim: 8, seed: 3, idPrefix: 'ref', text: texts(3) });
    const cur = makeWindow({ n: 300, dim: 8, seed: 4, idPrefix: 'cur', text: texts(4, 240) });
    const w = characteristicWords(ctxOf(ref, cur));
    expect(w).not.toBeNull();
    const top6 = (w?.current ?? []).slice(0, 6).map((x) => x.word);
    expect(new Set(top6)).toEqual(new Set(NEW));
    expect(w?.current[0].reference).toBe(0);
    expect(w?.current[0].current).toBeGreaterThan(10);
    expect(w?.examples.current.length).toBeGreaterThan(0);
    expect(NEW.some((x) => w?.examples.current[0].includes(x))).toBe(true);
    expect(w?.current.length).toBeLessThanOrEqual(20);
  });

  it('a run reports novelty, characteristic words and novelty on current projector points', () => {
    const ref = makeWindow({ n: 200, dim: 8, seed: 5, idPrefix: 'ref', text: texts(5) });
    const cur = makeWindow({ n: 200, dim: 8, seed: 6, idPrefix: 'cur', text: texts(6, 170) });
    const report = runMonitor({
      model: MODEL,
      reference: ref,
      referenceKind: 'baseline',
      current: cur,
      window: { start: 'a', end: 'b' },
      now: new Date(0),
      seed: 1,
    });
    expect(report.novelty?.spaces.tokens?.tested).toBe(200);
    expect(report.novelty?.records.length).toBe(200);
    expect(report.characteristicWords?.current.length).toBeGreaterThan(0);
    const points = report.projector?.points ?? [];
    expect(points.filter((p) => p.window === 'current').every((p) => typeof p.novelty === 'number')).toBe(
      true,
    );
    expect(points.filter((p) => p.window === 'reference').every((p) => p.novelty === undefined)).toBe(true);
    const checks = report.findings.map((f) => f.check);
    for (const c of [
      'novelty.word_excess',
      'novelty.text_neighbours',
      'novelty.token_tail',
      'novelty.embedding_rank',
      'embedding_drift.mmd_within_label',
    ])
      expect(checks).toContain(c);
  });

  it('read the first MAX_TEXT_WORDS words of a long text, or the model token ids when every record has them', () => {
    const long = Array.from({ length: 2000 }, (_, i) => `w${i}`).join(' ');
    const r = {
      row: 0,
      id: 'a',
      label: 'x',
      text: long,
      tokenIds: [5, 6, 7],
      embedding: new Float32Array(0),
    };
    const words = recordTokens(r, false);
    expect(words).toHaveLength(MAX_TEXT_WORDS);
    expect(words?.[0]).toBe('w0');
    expect(words?.at(-1)).toBe(`w${MAX_TEXT_WORDS - 1}`);
    expect(recordTokens({ ...r, text: 'Short text.' }, false)).toEqual(['short', 'text']);
    expect(recordTokens(r, true)).toEqual([5, 6, 7]);
    expect(recordTokens({ ...r, tokenIds: null }, true)).toBeNull();
  });
});
