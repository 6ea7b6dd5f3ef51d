/** The demo's script: a baseline and three phases of traffic, drawn once from the pools with a seed. */
import { createRng } from '../../functions/lib/stats/rng.ts';
import { type DemoText, draw, type TrafficPools, withBrokenInputs, withLabelShare } from './traffic.ts';

export interface DemoPhase {
  name: string;
  /** One line saying what this traffic is. */
  description: string;
  texts: DemoText[];
  /** Share of the labelled predictions whose true label is posted to /feedback. */
  feedbackShare: number;
  /** What the run should show; printed next to what it did show. */
  expect: string;
}

export interface DemoPlan {
  baseline: DemoText[];
  phases: DemoPhase[];
}

export interface DemoSizes {
  baseline: number;
  normal: number;
  newDomains: number;
  labelShift: number;
  broken: number;
}

export const FULL_SIZES: DemoSizes = {
  baseline: 300,
  normal: 200,
  newDomains: 200,
  labelShift: 150,
  broken: 100,
};
export const QUICK_SIZES: DemoSizes = {
  baseline: 250,
  normal: 150,
  newDomains: 150,
  labelShift: 120,
  broken: 100,
};

const count = (texts: readonly DemoText[], pred: (t: DemoText) => boolean) => texts.filter(pred).length;
const domainsOf = (texts: readonly DemoText[]) => [...new Set(texts.map((t) => t.domain))].join(', ');

export function planDemo(pools: TrafficPools, sizes: DemoSizes, seed = 1): DemoPlan {
  const rng = createRng(seed);
  const home = draw(pools.inDomain, pools.inDomain.length, rng);
  const baseline = home.slice(0, sizes.baseline);
  // Later phases draw from the texts the baseline did not use; duplicates only count within a window.
  const unseen = home.slice(sizes.baseline);
  const normal = unseen.slice(0, sizes.normal);
  const newDomains = draw(pools.otherDomains, sizes.newDomains, rng);
  // Texts the model knows, 85% of them negative: the predicted label shares move, nothing else does.
  const labelShift = withLabelShare(unseen, 'NEGATIVE', 0.85, sizes.labelShift, rng);
  const broken = withBrokenInputs(draw(unseen, sizes.broken, rng), 0.3, rng);
  const labelled = (texts: readonly DemoText[]) => count(texts, (t) => t.label !== null);
  return {
    baseline,
    phases: [
      {
        name: 'normal traffic',
        description: `${normal.length} more texts like the baseline (${domainsOf(normal)})`,
        texts: normal,
        // All labelled: the accuracy check compares plain rates, so few labels make it noisy.
        feedbackShare: 1,
        expect: 'nothing: same kind of texts as the baseline',
      },
      {
        name: 'shifted traffic: new domains',
        description: `${newDomains.length} texts of domains the baseline never saw (${domainsOf(newDomains)}), ${labelled(newDomains)} of them labelled`,
        texts: newDomains,
        feedbackShare: 0.5,
        expect: 'embedding drift',
      },
      {
        name: 'shifted traffic: label shares',
        description:
          `${labelShift.length} texts like the baseline, but ${count(labelShift, (t) => t.label === 'NEGATIVE')} ` +
          `of them negative (baseline: ${count(baseline, (t) => t.label === 'NEGATIVE')} of ${baseline.length})`,
        texts: labelShift,
        feedbackShare: 0.5,
        expect: 'prediction drift: the predicted label shares',
      },
      {
        name: 'shifted traffic: a burst of empty and very long texts',
        description:
          `${broken.length} texts like the baseline, of which ${count(broken, (t) => t.domain === 'empty')} empty ` +
          `and ${count(broken, (t) => t.domain.endsWith('-long'))} about 40 times too long`,
        texts: broken,
        feedbackShare: 0.5,
        expect: 'integrity: empty texts and truncated inputs',
      },
    ],
  };
}
