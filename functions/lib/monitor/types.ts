/** The vocabulary of a monitoring run: findings, verdicts and the report they form. */
import type { CharacteristicWords, NoveltyReport } from './novelty-types.ts';

export type Verdict = 'ok' | 'warning' | 'alert' | 'insufficient_data';

export type CheckGroup =
  | 'embedding_drift'
  | 'prediction_drift'
  | 'field_drift'
  | 'integrity'
  | 'performance'
  | 'novelty';

/** Whether a small statistic (a p-value) or a large one (a distance) is the bad direction. */
export type DriftDirection = 'low_is_drift' | 'high_is_drift';

export interface Finding {
  /** Stable id, e.g. `embedding_drift.mmd`; alert state is keyed on it. */
  check: string;
  group: CheckGroup;
  /** Short human title, e.g. "Embedding drift (MMD)". */
  title: string;
  /** Statistical method from the stats registry, when one was used. */
  method: string | null;
  value: number | null;
  /** Verdict boundaries on `value` (or on the adjusted p-value when direction is low_is_drift). */
  thresholds: { warning: number; alert: number };
  direction: DriftDirection;
  pValue: number | null;
  /** Benjamini-Hochberg adjusted over the run's p-values. */
  pValueAdjusted: number | null;
  referenceSize: number;
  currentSize: number;
  minSampleSize: number;
  verdict: Verdict;
  /** One sentence a person reads in an alert. */
  message: string;
  details?: Record<string, unknown>;
}

export interface WindowRange {
  start: string;
  end: string;
}

export interface Histogram {
  edges: number[];
  reference: number[];
  current: number[];
}

export interface ProjectorPoint {
  x: number;
  y: number;
  window: 'reference' | 'current';
  text: string | null;
  label: string;
  score: number;
  cluster: number;
  /** Current points: 1 - the smaller conformal p of the record's novelty (near 1 = unlike the reference). */
  novelty?: number | null;
}

export interface ProjectorCluster {
  id: number;
  reference: number;
  current: number;
  /** (current - reference) / (current + reference), in [-1, 1]. */
  driftRatio: number;
  sampleTexts: string[];
}

export interface MonitorReport {
  schemaVersion: 1;
  model: { name: string; version: string };
  runAt: string;
  window: WindowRange;
  reference: { kind: 'baseline' | 'window'; size: number; window?: WindowRange };
  findings: Finding[];
  summary: { worst: Verdict; counts: Record<Verdict, number> };
  distributions: {
    scores: Histogram;
    labels: { labels: string[]; reference: number[]; current: number[] };
    textLength?: Histogram;
  };
  /** Reduced to 2-D for the dashboard's projector; absent when there were no embeddings. */
  projector?: { points: ProjectorPoint[]; clusters: ProjectorCluster[] };
  /** Records unlike the reference (tokens, embeddings), the most novel listed; absent when untested. */
  novelty?: NoveltyReport;
  /** Words that tell the current window from the reference; absent without texts. */
  characteristicWords?: CharacteristicWords;
  /** Headline numbers of this run, kept small so reports can be charted over time. */
  metrics: Record<string, number | null>;
}
