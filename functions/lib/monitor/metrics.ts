/** The report's headline numbers, under exactly the keys the dashboard charts (report/metric-keys.ts). */
import type { CheckContext } from '../checks/context.ts';
import { labelCounts, labelUniverse } from '../checks/context.ts';
import {
  duplicateShare,
  emptyTextRate,
  truncationRate,
  unknownTokenRate,
} from '../checks/integrity-rates.ts';
import { schemaFailureRate } from '../checks/integrity-schema.ts';
import { REPORT_METRIC_KEYS as K, labelShareKey } from '../report/metric-keys.ts';
import type { Finding } from './types.ts';

const finite = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function reportMetrics(ctx: CheckContext, findings: Finding[]): Record<string, number | null> {
  const { current } = ctx;
  const by = new Map(findings.map((f) => [f.check, f]));
  const ok = (check: string) => {
    const f = by.get(check);
    return f && f.verdict !== 'insufficient_data' ? f : undefined;
  };
  const mmd = ok('embedding_drift.mmd');
  const accuracy = ok('performance.accuracy');
  const cbpe = ok('performance.estimated_accuracy');
  const hasRows = current.size > 0;
  const metrics: Record<string, number | null> = {
    [K.embeddingDriftPValue]: mmd?.pValue ?? null,
    [K.embeddingDriftMmd]: mmd?.value ?? null,
    [K.embeddingDomainAuc]: ok('embedding_drift.domain_classifier')?.value ?? null,
    [K.centroidCosine]: ok('embedding_drift.centroid_cosine')?.value ?? null,
    [K.centroidEuclidean]: ok('embedding_drift.centroid_euclidean')?.value ?? null,
    [K.volumeCurrent]: current.size,
    [K.volumeExpected]: finite(ctx.expectedVolume),
    [K.accuracy]: finite(accuracy?.details?.accuracy),
    [K.macroF1]: finite(accuracy?.details?.macroF1),
    [K.estimatedAccuracy]: finite(cbpe?.details?.estimatedAccuracy),
    [K.emptyTextRate]: hasRows ? emptyTextRate(current) : null,
    [K.truncationRate]: hasRows ? truncationRate(current) : null,
    [K.unknownTokenRate]: hasRows ? unknownTokenRate(current) : null,
    [K.duplicateShare]: hasRows ? duplicateShare(current) : null,
    [K.schemaFailureRate]:
      current.files > 0 ? schemaFailureRate(current.files, current.unreadableFiles) : null,
  };
  const labels = labelUniverse(ctx.labels, current);
  const counts = labelCounts(current.label, labels);
  labels.forEach((l, i) => {
    metrics[labelShareKey(l)] = hasRows ? counts[i] / current.size : null;
  });
  return metrics;
}
