/** Feeds the windows' embedding samples (already capped) to the report's projector. */
import type { CheckContext } from '../checks/context.ts';
import { noveltyAnalysis } from '../checks/novelty.ts';
import {
  assembleProjector,
  buildProjector,
  type ProjectorInput,
  type ProjectorLayout,
  type ProjectorLayoutOptions,
} from '../report/projector.ts';
import type { ProjectorLayoutRequest } from '../report/projector-thread.ts';
import type { MonitorReport } from './types.ts';
import type { MonitorWindow } from './window.ts';

function inputs(w: MonitorWindow, novelty?: ReadonlyMap<number, number>): ProjectorInput[] {
  const out: ProjectorInput[] = [];
  for (let s = 0; s < w.sample.rows; s++) {
    const row = w.sample.index[s];
    out.push({
      embedding: w.sample.vectors.subarray(s * w.dim, (s + 1) * w.dim),
      text: w.sampleText.get(row) ?? null,
      label: w.label.get(row),
      score: w.score[row],
      ...(novelty ? { novelty: novelty.get(row) ?? null } : {}),
    });
  }
  return out;
}

function hasProjector(ctx: CheckContext): boolean {
  const { reference, current } = ctx;
  return (
    reference.dim > 0 && current.dim === reference.dim && reference.sample.rows + current.sample.rows > 0
  );
}

const layoutOptions = (ctx: CheckContext): ProjectorLayoutOptions => ({
  seed: ctx.seed,
  maxPoints: ctx.config.projectorMaxPoints,
});

export function projectorFor(ctx: CheckContext): MonitorReport['projector'] | undefined {
  if (!hasProjector(ctx)) return undefined;
  return buildProjector({
    reference: inputs(ctx.reference),
    current: inputs(ctx.current, noveltyAnalysis(ctx).byRow),
    ...layoutOptions(ctx),
  });
}

/** What the projector's layout needs, for another thread (projector-thread.ts); undefined when there is none. */
export function projectorLayoutRequest(ctx: CheckContext): ProjectorLayoutRequest | undefined {
  if (!hasProjector(ctx)) return undefined;
  const matrix = (w: MonitorWindow) => w.sample.vectors.slice(0, w.sample.rows * w.dim);
  return {
    dim: ctx.reference.dim,
    reference: matrix(ctx.reference),
    current: matrix(ctx.current),
    options: layoutOptions(ctx),
  };
}

/** The projector `projectorFor` builds, from a layout made elsewhere of `projectorLayoutRequest(ctx)`. */
export function projectorFromLayout(ctx: CheckContext, layout: ProjectorLayout): MonitorReport['projector'] {
  return assembleProjector(layout, {
    reference: inputs(ctx.reference),
    current: inputs(ctx.current, noveltyAnalysis(ctx).byRow),
  });
}
