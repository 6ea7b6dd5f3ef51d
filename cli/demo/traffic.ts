/**
 * The texts of the demo and of the detection benchmark: an in-domain pool (what the model was built
 * for), texts of other domains, and the shift scenarios drawn from them with a seeded RNG.
 * Default source: data/demo-corpus.jsonl; with a datasets directory: SST-2 and the UCI sentences.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng, type Rng, randomInt, shuffleInPlace } from '../../functions/lib/stats/rng.ts';

export interface DemoText {
  text: string;
  /** The true label, when the source has one. */
  label: string | null;
  domain: string;
}

export interface TrafficPools {
  /** Where the texts came from, for the story and the benchmark table. */
  source: string;
  /** Texts like the ones the baseline is built from. */
  inDomain: DemoText[];
  /** Texts of domains the baseline never saw. */
  otherDomains: DemoText[];
}

export const DEMO_CORPUS = new URL('../../data/demo-corpus.jsonl', import.meta.url).pathname;

export class TrafficSourceError extends Error {
  constructor(
    readonly code: 'DEMO_CORPUS_INVALID' | 'DATASETS_NOT_FOUND',
    message: string,
  ) {
    super(message);
    this.name = 'TrafficSourceError';
  }
}

/** Film and restaurant reviews are the model's home; phone reviews and news lines are new. */
export function readDemoCorpus(path = DEMO_CORPUS): TrafficPools {
  const inDomain: DemoText[] = [];
  const otherDomains: DemoText[] = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      let row: { domain?: unknown; text?: unknown; label?: unknown };
      try {
        row = JSON.parse(line);
      } catch {
        throw new TrafficSourceError('DEMO_CORPUS_INVALID', `${path}:${i + 1} is not JSON`);
      }
      if (typeof row.text !== 'string' || typeof row.domain !== 'string') {
        throw new TrafficSourceError('DEMO_CORPUS_INVALID', `${path}:${i + 1} needs "text" and "domain"`);
      }
      const t = {
        text: row.text,
        label: typeof row.label === 'string' ? row.label : null,
        domain: row.domain,
      };
      (t.domain === 'film' || t.domain === 'restaurant' ? inDomain : otherDomains).push(t);
    });
  return { source: 'demo corpus (data/demo-corpus.jsonl)', inDomain, otherDomains };
}

const LABELS = ['NEGATIVE', 'POSITIVE'];

function readTabbed(path: string, domain: string, header: boolean): DemoText[] {
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch {
    throw new TrafficSourceError('DATASETS_NOT_FOUND', `${path} not found (expected under --datasets DIR)`);
  }
  const lines = content.split('\n').slice(header ? 1 : 0);
  const out: DemoText[] = [];
  for (const line of lines) {
    const tab = line.lastIndexOf('\t');
    if (tab < 0) continue;
    const label = Number(line.slice(tab + 1).trim());
    if (label !== 0 && label !== 1) continue;
    out.push({ text: line.slice(0, tab).trim(), label: LABELS[label], domain });
  }
  return out;
}

/** SST-2 dev plus a seeded part of SST-2 train in domain; UCI Amazon and Yelp sentences as new domains. */
export function readDatasets(dir: string, seed = 7): TrafficPools {
  const dev = readTabbed(join(dir, 'sst2', 'dev.tsv'), 'sst2', true);
  const train = readTabbed(join(dir, 'sst2', 'train.tsv'), 'sst2', true);
  const rng = createRng(seed);
  const extra = draw(train, 3000 - dev.length, rng);
  const uci = join(dir, 'uci_sentiment_labelled_sentences');
  return {
    source: 'SST-2 (dev + 2128 of train) and UCI sentiment sentences (amazon, yelp)',
    inDomain: [...dev, ...extra],
    otherDomains: [
      ...readTabbed(join(uci, 'amazon_cells_labelled.txt'), 'amazon', false),
      ...readTabbed(join(uci, 'yelp_labelled.txt'), 'yelp', false),
    ],
  };
}

export function readPools(datasetsDir?: string): TrafficPools {
  return datasetsDir ? readDatasets(datasetsDir) : readDemoCorpus();
}

/** `k` distinct items in random order (all of them, shuffled, when k >= length). */
export function draw<T>(pool: readonly T[], k: number, rng: Rng): T[] {
  const order = shuffleInPlace(
    rng,
    Int32Array.from({ length: pool.length }, (_, i) => i),
  );
  return Array.from(order.subarray(0, Math.min(k, pool.length)), (i) => pool[i]);
}

/** `k` items drawn with replacement, for samples larger than the pool. */
export function drawWithReplacement<T>(pool: readonly T[], k: number, rng: Rng): T[] {
  return Array.from({ length: k }, () => pool[randomInt(rng, pool.length)]);
}

/** A text far past the model's max length: the review repeated, as a runaway client might send it. */
export function veryLongText(t: DemoText): DemoText {
  return { ...t, text: Array.from({ length: 40 }, () => t.text).join(' '), domain: `${t.domain}-long` };
}

export const emptyText = (): DemoText => ({ text: '', label: null, domain: 'empty' });

/** `n` texts of which `share` carry `label` (true labels only), drawn from `pool`. */
export function withLabelShare(
  pool: readonly DemoText[],
  label: string,
  share: number,
  n: number,
  rng: Rng,
  pick: <T>(p: readonly T[], k: number, r: Rng) => T[] = draw,
): DemoText[] {
  const k = Math.round(n * share);
  const yes = pool.filter((t) => t.label === label);
  const no = pool.filter((t) => t.label !== null && t.label !== label);
  return draw([...pick(yes, k, rng), ...pick(no, n - k, rng)], n, rng);
}

/** In-domain texts with `share` of them replaced, half by empty texts and half by very long ones. */
export function withBrokenInputs(texts: readonly DemoText[], share: number, rng: Rng): DemoText[] {
  const out = [...texts];
  const k = Math.round(out.length * share);
  const slots = draw(
    Array.from({ length: out.length }, (_, i) => i),
    k,
    rng,
  );
  slots.forEach((slot, j) => {
    out[slot] = j % 2 === 0 ? emptyText() : veryLongText(out[slot]);
  });
  return out;
}

export { createRng };
