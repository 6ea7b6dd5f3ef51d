import { describe, expect, it } from 'vitest';
import type { ProjectorPoint } from '../../../functions/lib/monitor/types.ts';
import { buildProjector, ProjectorError } from '../../../functions/lib/report/projector.ts';
import { createSeededRandom, gaussian } from '../../../functions/lib/report/random.ts';
import { makeSyntheticWindows, NEW_TOPIC, SHARED_TOPICS } from '../../fixtures/report/synthetic.ts';

const windows = makeSyntheticWindows({ seed: 11, dims: 96, perTopic: 100, newTopicSize: 100 });
const topicOf = (text: string | null): string | undefined =>
  [...SHARED_TOPICS, NEW_TOPIC].find((t) => t.phrases.some((p) => text?.startsWith(p)))?.name;

function majorityTopic(points: ProjectorPoint[]): { topic: string; purity: number } {
  const counts = new Map<string, number>();
  for (const p of points) {
    const t = topicOf(p.text) ?? '?';
    counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  const [topic, n] = [...counts].sort((a, b) => b[1] - a[1])[0];
  return { topic, purity: n / points.length };
}

describe('buildProjector', () => {
  const projector = buildProjector({ reference: windows.reference, current: windows.current, seed: 5 });

  it('is deterministic for a seed and differs for another seed', () => {
    const again = buildProjector({ reference: windows.reference, current: windows.current, seed: 5 });
    expect(again).toEqual(projector);
    const other = buildProjector({ reference: windows.reference, current: windows.current, seed: 6 });
    expect(other.points.map((p) => p.x)).not.toEqual(projector.points.map((p) => p.x));
  });

  it('finds one pure cluster per topic', () => {
    expect(projector.clusters).toHaveLength(SHARED_TOPICS.length + 1);
    const topics = projector.clusters.map((c) => {
      const m = majorityTopic(projector.points.filter((p) => p.cluster === c.id));
      expect(m.purity).toBeGreaterThan(0.95);
      return m.topic;
    });
    expect(new Set(topics).size).toBe(SHARED_TOPICS.length + 1);
  });

  it('gives the new topic a drift ratio near +1, listed first with its texts, and shared topics near 0', () => {
    const [first, ...rest] = projector.clusters;
    expect(first.driftRatio).toBeGreaterThan(0.95);
    expect(first.reference).toBe(0);
    expect(first.sampleTexts.length).toBe(5);
    for (const t of first.sampleTexts)
      expect(NEW_TOPIC.phrases.some((p) => t.startsWith(p)) || t.includes('<')).toBe(true);
    for (const c of rest) {
      // The new topic takes 20% of current traffic, so shared topics' shares drop: ratio about -0.11.
      expect(Math.abs(c.driftRatio)).toBeLessThan(0.25);
      expect(c.reference).toBeGreaterThan(0);
      expect(c.current).toBeGreaterThan(0);
    }
  });

  it('counts each cluster members by window', () => {
    for (const c of projector.clusters) {
      const members = projector.points.filter((p) => p.cluster === c.id);
      expect(c.reference).toBe(members.filter((p) => p.window === 'reference').length);
      expect(c.current).toBe(members.filter((p) => p.window === 'current').length);
    }
  });

  it('samples at most maxPoints, split between the windows', () => {
    const small = buildProjector({
      reference: windows.reference,
      current: windows.current,
      seed: 1,
      maxPoints: 300,
    });
    expect(small.points).toHaveLength(300);
    expect(small.points.filter((p) => p.window === 'reference')).toHaveLength(150);
    const all = buildProjector({
      reference: windows.reference.slice(0, 70),
      current: windows.current.slice(0, 90),
      seed: 1,
      maxPoints: 1e6,
    });
    expect(all.points).toHaveLength(160);
  });

  it('keeps text, label and score of each point and cuts long texts', () => {
    const long = 'x'.repeat(1000);
    const input = windows.reference
      .slice(0, 40)
      .map((r, i) => ({ ...r, text: i === 0 ? long : null, score: i / 40 }));
    const p = buildProjector({ reference: input, current: [], seed: 2, maxTextChars: 50 });
    const cut = p.points.find((pt) => pt.text !== null);
    expect(cut?.text).toHaveLength(50);
    expect(cut?.text?.endsWith('…')).toBe(true);
    expect(p.points.filter((pt) => pt.text === null)).toHaveLength(39);
    expect(new Set(p.points.map((pt) => pt.score)).size).toBe(40);
    expect(p.points.every((pt) => pt.label === 'POSITIVE' || pt.label === 'NEGATIVE')).toBe(true);
  });

  it('lays out a handful of points by PCA when there are too few for UMAP', () => {
    const p = buildProjector({
      reference: windows.reference.slice(0, 3),
      current: windows.current.slice(0, 3),
      seed: 2,
    });
    expect(p.points).toHaveLength(6);
    expect(p.points.every((pt) => Number.isFinite(pt.x) && Number.isFinite(pt.y))).toBe(true);
  });

  it('finds a dense new region inside one continuous cloud and gives it a positive drift ratio', () => {
    const random = createSeededRandom(9);
    const dims = 64;
    const mu = Array.from({ length: dims }, () => 0.5 * gaussian(random));
    const record = (shifted: boolean) => ({
      embedding: Array.from({ length: dims }, (_, j) =>
        shifted ? mu[j] + 0.5 * gaussian(random) : gaussian(random),
      ),
      text: shifted ? 'new kind' : 'usual',
      label: 'A',
      score: 0.5,
    });
    const reference = Array.from({ length: 400 }, () => record(false));
    const current = Array.from({ length: 400 }, (_, i) => record(i < 100));
    const p = buildProjector({ reference, current, seed: 1 });
    const top = p.clusters[0];
    // The region overlaps the cloud, so some reference points share it: a clear lean, not +1.
    expect(top.driftRatio).toBeGreaterThan(0.3);
    expect(top.sampleTexts).toContain('new kind');
    const members = p.points.filter((pt) => pt.cluster === top.id);
    expect(members.filter((pt) => pt.text === 'new kind').length).toBeGreaterThan(70);
  });

  it('clusters with DBSCAN when given a radius', () => {
    const p = buildProjector({
      reference: windows.reference,
      current: windows.current,
      seed: 1,
      maxPoints: 400,
      eps: 1.5,
    });
    expect(p.clusters.length).toBeGreaterThanOrEqual(SHARED_TOPICS.length);
    expect(p.clusters[0].driftRatio).toBeGreaterThan(0.95);
  });

  it('returns an empty projector for no records', () => {
    expect(buildProjector({ reference: [], current: [], seed: 1 })).toEqual({ points: [], clusters: [] });
  });

  it('refuses NaN in an embedding with a stable code', () => {
    const ok = { embedding: [1, 2], text: 'a', label: 'A', score: 1 };
    const bad = { embedding: Float32Array.from([1, Number.NaN]), text: 'b', label: 'A', score: 1 };
    expect(() => buildProjector({ reference: [ok], current: [bad], seed: 1 })).toThrow(
      expect.objectContaining({ code: 'PROJECTOR_NON_FINITE_EMBEDDING' }),
    );
  });

  it('refuses embeddings of different lengths with a stable code', () => {
    const a = { embedding: [1, 2, 3], text: 'a', label: 'A', score: 1 };
    const b = { embedding: [1, 2], text: 'b', label: 'A', score: 1 };
    expect(() => buildProjector({ reference: [a], current: [b], seed: 1 })).toThrow(ProjectorError);
    try {
      buildProjector({ reference: [a], current: [b], seed: 1 });
    } catch (e) {
      expect((e as ProjectorError).code).toBe('PROJECTOR_DIMENSION_MISMATCH');
    }
  });
});
