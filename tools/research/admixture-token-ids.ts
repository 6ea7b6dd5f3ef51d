/**
 * The admixture cells (issue 13) through whole monitoring runs, once with the model's token ids on every
 * record (what `vigil serve` logs, so the word tests read ids) and once without (the eval's path: words
 * of the text), on the same draws: 4,000 SST-2 reference sentences, 1,000 current with --share of UCI
 * amazon or yelp sentences, 10 draws a cell. Prints alerts and the word-excess p-values of each mode.
 * Run: node bin/run-ts.mjs tools/research/admixture-token-ids.ts --datasets DIR [--share 0.05]
 */

import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { loadTextClassifier } from '../../functions/lib/inference/index.ts';
import {
  DEFAULT_MONITOR_CONFIG,
  referenceSampleCapacity,
  windowSampleCapacity,
} from '../../functions/lib/monitor/config.ts';
import { runMonitor } from '../../functions/lib/monitor/run.ts';
import type { WindowRow } from '../../functions/lib/monitor/window.ts';
import { DEFAULT_BUNDLE_DIR } from '../eval/model-accuracy.ts';
import { sst2Sentences } from '../eval/monitor-admixture.ts';
import { createRng, drawRows, randomSplit, readUciSentences, toWindow } from '../eval/monitor-datasets.ts';
import { readSst2 } from '../train/sst2.ts';

const { values: args } = parseArgs({
  options: { datasets: { type: 'string' }, share: { type: 'string', default: '0.1' } },
});
if (!args.datasets) throw new Error('usage: admixture-token-ids.ts --datasets DIR [--share 0.05]');
const D = args.datasets;
const classifier = await loadTextClassifier(DEFAULT_BUNDLE_DIR);
async function embed(texts: { text: string }[], tag: string): Promise<WindowRow[]> {
  const out: WindowRow[] = [];
  for (let s = 0; s < texts.length; s += 64) {
    const b = texts.slice(s, s + 64);
    const ps = await classifier.predict(b.map((t) => t.text));
    ps.forEach((p, i) => {
      out.push({
        id: `${tag}-${s + i}`,
        label: p.label,
        score: p.score,
        text: b[i].text,
        text_sha256: createHash('sha256').update(b[i].text).digest('hex'),
        text_chars: b[i].text.length,
        truncated: p.truncated,
        unknown_token_ratio: p.unknownTokenRatio,
        embedding: p.embedding,
        token_ids: p.tokenIds ? Array.from(p.tokenIds) : null,
      });
    });
  }
  return out;
}
const rng = createRng(77);
const held = await embed(drawRows(sst2Sentences(readSst2(D, 'train')), 6000, rng), 'held');
const model = {
  name: classifier.info.name,
  version: classifier.info.version,
  labels: classifier.info.labels,
};
const share = Number(args.share);
for (const d of ['amazon_cells', 'yelp'] as const) {
  const pool = await embed(readUciSentences(D, d), d);
  const res: Record<string, number[]> = { ids: [], words: [] };
  const alerts = { ids: 0, words: 0 };
  for (let r = 0; r < 10; r++) {
    const [ref, sst] = randomSplit(held, [4000, 1000], rng);
    const k = Math.round(1000 * share);
    const cur = [...drawRows(sst, 1000 - k, rng), ...drawRows(pool, k, rng)];
    for (const mode of ['ids', 'words'] as const) {
      const strip = (rows: WindowRow[]) =>
        mode === 'ids' ? rows : rows.map((x) => ({ ...x, token_ids: null }));
      const report = runMonitor({
        model,
        reference: toWindow(strip(ref), r, referenceSampleCapacity(DEFAULT_MONITOR_CONFIG)),
        referenceKind: 'baseline',
        current: toWindow(strip(cur), r + 1, windowSampleCapacity(DEFAULT_MONITOR_CONFIG)),
        window: { start: 'a', end: String(r) },
        now: new Date(0),
        seed: 100 + r,
        config: DEFAULT_MONITOR_CONFIG,
        projector: false,
      });
      const f = report.findings.find((x) => x.check === 'novelty.word_excess');
      res[mode].push(f?.pValue ?? Number.NaN);
      if (report.findings.some((x) => x.verdict === 'alert')) alerts[mode]++;
    }
  }
  console.log(
    d,
    share,
    'alerts',
    JSON.stringify(alerts),
    'word p ids',
    res.ids.map((p) => p.toPrecision(2)).join(' '),
    '| words',
    res.words.map((p) => p.toPrecision(2)).join(' '),
  );
}
await classifier.close();
