/** Feeds the windows' embedding samples (already capped) to the report's projector. */
import type { CheckContext } from '../checks/context.ts';
import { noveltyAnalysis } from '../checks/novelty.ts';
import { buildProjector, type ProjectorInput } from '../report/projector.ts';
import type { MonitorReport } from './types.ts';
import type { MonitorWindow } from './window.ts';

function inputs(w: MonitorWindow, novelty?: ReadonlyMap<number, number>): ProjectorInput[] {
  const out: ProjectorInput[] = [];
  for (let s = 0; s < w.sample.rows; s++) {
    const row = w.sample.index[s];
    out.push({
      embedding: w.sample.vectors.subarray(s * w.dim, (s + 1) * w.dim),
      text: w.sampleText.get(row) ?? null,
      label: w.label[row],
      score: w.score[row],
      ...(novelty ? { novelty: novelty.get(row) ?? null } : {}),
    });
  }
  return out;
}

export function projectorFor(ctx: CheckContext): MonitorReport['projector'] | undefined {
  const { reference, current } = ctx;
  if (
    reference.dim === 0 ||
    current.dim !== reference.dim ||
    reference.sample.rows + current.sample.rows === 0
  ) {
    return undefined;
  }
  return buildProjector({
    reference: inputs(reference),
    current: inputs(current, noveltyAnalysis(ctx).byRow),
    seed: ctx.seed,
    maxPoints: ctx.config.projectorMaxPoints,
  });
}
