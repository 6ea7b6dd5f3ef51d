/**
 * Data of the monitoring evaluations: SST-2 and the UCI sentiment sentences run once through the model
 * into window rows (label, score, embedding, text statistics), from which trials draw their windows.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TextClassifier } from '../../functions/lib/inference/types.ts';
import { type MonitorWindow, type WindowRow, windowFromRows } from '../../functions/lib/monitor/window.ts';
import { createRng, type Rng, sampleIndices, shuffleInPlace } from '../../functions/lib/stats/rng.ts';
import type { LabelledText } from '../train/sst2.ts';

export type UciDomain = 'amazon_cells' | 'yelp' | 'imdb';

/** UCI sentiment sentences: `sentence<TAB>label` per line, split on \n only and on the LAST tab. */
export function readUciSentences(datasetsDir: string, domain: UciDomain): LabelledText[] {
  const path = join(datasetsDir, 'uci_sentiment_labelled_sentences', `${domain}_labelled.txt`);
  const rows: LabelledText[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const tab = line.lastIndexOf('\t');
    if (tab < 0) continue;
    const label = Number(line.slice(tab + 1).trim());
    if (label !== 0 && label !== 1)
      throw new Error(`EVAL_DATA_INVALID: ${path}: bad label in ${JSON.stringify(line)}`);
    // imdb sentences end in two spaces before the tab.
    rows.push({ text: line.slice(0, tab).trim(), label });
  }
  return rows;
}

export interface EmbeddedText<L = string> extends WindowRow {
  trueLabel: L;
}

/**
 * Runs the model over `texts` once, in batches, into window rows that keep each text's true label
 * (`truthOf`); `tag` keeps ids unique across corpora.
 */
export async function embedWithTruth<T extends { text: string }, L>(
  classifier: TextClassifier,
  texts: readonly T[],
  tag: string,
  truthOf: (t: T) => L,
  batchSize = 64,
): Promise<EmbeddedText<L>[]> {
  const out: EmbeddedText<L>[] = [];
  for (let start = 0; start < texts.length; start += batchSize) {
    const batch = texts.slice(start, start + batchSize);
    const predictions = await classifier.predict(batch.map((t) => t.text));
    predictions.forEach((p, i) => {
      const text = batch[i].text;
      out.push({
        id: `${tag}-${start + i}`,
        label: p.label,
        score: p.score,
        text,
        text_sha256: createHash('sha256').update(text).digest('hex'),
        text_chars: [...text].length,
        truncated: p.truncated,
        unknown_token_ratio: p.unknownTokenRatio,
        embedding: p.embedding,
        trueLabel: truthOf(batch[i]),
      });
    });
  }
  return out;
}

/** SST-2 / UCI rows (numeric labels) through the model; true labels named by the model's id2label. */
export function embedTexts(
  classifier: TextClassifier,
  texts: readonly LabelledText[],
  tag: string,
  batchSize = 64,
): Promise<EmbeddedText[]> {
  return embedWithTruth(classifier, texts, tag, (t) => classifier.info.labels[t.label], batchSize);
}

/** `k` distinct rows of `pool` chosen by `rng`. */
export function drawRows<T>(pool: readonly T[], k: number, rng: Rng): T[] {
  return Array.from(sampleIndices(rng, pool.length, Math.min(k, pool.length)), (i) => pool[i]);
}

/** Two disjoint random windows of one pool: the no-drift case, exchangeable by construction. */
export function randomSplit<T>(pool: readonly T[], sizes: [number, number], rng: Rng): [T[], T[]] {
  const order = shuffleInPlace(
    rng,
    Int32Array.from({ length: pool.length }, (_, i) => i),
  );
  const a = Array.from(order.subarray(0, sizes[0]), (i) => pool[i]);
  const b = Array.from(order.subarray(sizes[0], sizes[0] + sizes[1]), (i) => pool[i]);
  return [a, b];
}

export function toWindow(rows: readonly WindowRow[], seed: number, capacity = 1000): MonitorWindow {
  return windowFromRows(rows, capacity, seed);
}

/** Share of `hits` with a one-sided 95% sampling margin, for bars on rates. */
export function rateWithMargin(hits: number, trials: number, p0: number): { rate: number; bound: number } {
  return { rate: hits / trials, bound: p0 + 1.645 * Math.sqrt((p0 * (1 - p0)) / trials) };
}

export { createRng };
