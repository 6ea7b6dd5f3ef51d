/**
 * Embedding drift, secondary: a cross-fitted logistic domain classifier's ROC AUC with its p-value.
 * Its p-value is approximate, so it may warn but never alert; MMD is the primary test.
 */

import { subsampleRows } from '../monitor/window.ts';
import { domainClassifierTest } from '../stats/domain-classifier.ts';
import type { CheckContext } from './context.ts';
import { rowsOf } from './embedding-mmd.ts';
import { type DraftFinding, formatNumber, insufficient, pValueTestBase } from './finding.ts';

export function domainClassifierCheck(ctx: CheckContext): DraftFinding {
  const { reference, current, config } = ctx;
  const base = pValueTestBase(ctx, {
    check: 'embedding_drift.domain_classifier',
    group: 'embedding_drift',
    title: 'Embedding drift (domain classifier)',
    method: 'domain_classifier',
    maxVerdict: 'warning',
  });
  const min = config.minDriftSampleSize;
  if (reference.size < min || current.size < min || reference.dim === 0 || current.dim !== reference.dim) {
    return insufficient(base);
  }
  const cap = config.embedding.domainClassifierMaxPerSide;
  const ref = rowsOf(subsampleRows(reference.sample, reference.dim, cap, ctx.seed + 2), reference.dim);
  const cur = rowsOf(subsampleRows(current.sample, current.dim, cap, ctx.seed + 3), current.dim);
  const r = domainClassifierTest(ref, cur, {
    seed: ctx.seed,
    iterations: config.embedding.domainClassifierIterations,
  });
  return {
    ...base,
    value: r.auc,
    pValue: r.pValue ?? null,
    insufficient: false,
    describe: `a classifier tells the windows apart with ROC AUC ${formatNumber(r.auc)} (0.5 = indistinguishable)`,
    details: { auc: r.auc, folds: r.folds, testedReference: ref.length, testedCurrent: cur.length },
  };
}
