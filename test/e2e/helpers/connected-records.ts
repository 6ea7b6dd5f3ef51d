/**
 * One seeded set of prediction records for the connected-source tests: a 384-dimensional, three-label
 * model with a `language` segment; a reference day and a shifted current day, every value a float32
 * so Parquet FLOAT, Postgres real[] and pgvector hold exactly what the log holds.
 */
import { createHash } from 'node:crypto';
import { textChars } from '../../../functions/lib/http/text-length.ts';
import type { PredictionRecord } from '../../../functions/lib/records/schema.ts';
import { createRng, type Rng } from '../../../functions/lib/stats/rng.ts';

export const DIM = 384;
export const LABELS = ['negative', 'neutral', 'positive'];
const LANGUAGES = ['en', 'de', 'fr'];
const WORDS = [
  'good',
  'bad',
  'fine',
  'slow',
  'quick',
  'service',
  'price',
  'food',
  'staff',
  'room',
  'late',
  'great',
];

export interface ConnectedRecord {
  id: string;
  timestampMs: number;
  label: string;
  /** Index of the label in LABELS (for integer-coded stores). */
  labelCode: number;
  score: number;
  text: string;
  language: string;
  embedding: Float32Array;
}

function gaussian(rng: Rng): number {
  const u = Math.max(rng.random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.random());
}

const uuid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

/** `count` records from `startMs`, `stepMs` apart; `shifted` moves German embeddings, labels and scores. */
export function generateRecords(opts: {
  seed: number;
  count: number;
  startMs: number;
  stepMs: number;
  shifted: boolean;
  idOffset: number;
}): ConnectedRecord[] {
  const rng = createRng(opts.seed);
  const out: ConnectedRecord[] = [];
  for (let i = 0; i < opts.count; i++) {
    const language = LANGUAGES[Math.floor(rng.random() * 3)];
    const weights = opts.shifted ? [0.55, 0.2, 0.25] : [0.3, 0.3, 0.4];
    const r = rng.random();
    const labelCode = r < weights[0] ? 0 : r < weights[0] + weights[1] ? 1 : 2;
    const embedding = new Float32Array(DIM);
    for (let k = 0; k < DIM; k++) {
      let v = 0.5 * gaussian(rng) + (k % 3 === labelCode ? 0.2 : 0);
      if (opts.shifted && language === 'de' && k < 48) v += 0.6;
      embedding[k] = Math.fround(v);
    }
    const score = Math.fround(opts.shifted ? 0.45 + 0.4 * rng.random() : 0.6 + 0.39 * rng.random());
    const words = Array.from(
      { length: 3 + Math.floor(rng.random() * (opts.shifted ? 12 : 6)) },
      () => WORDS[Math.floor(rng.random() * WORDS.length)],
    );
    out.push({
      id: uuid(opts.idOffset + i),
      timestampMs: opts.startMs + i * opts.stepMs,
      label: LABELS[labelCode],
      labelCode,
      score,
      text: words.join(' '),
      language,
      embedding,
    });
  }
  return out;
}

/** The records as Vigil's log holds them when logged through POST /log (no tokenizer columns). */
export function asPredictionRecords(
  records: ConnectedRecord[],
  model: { name: string; version: string },
): PredictionRecord[] {
  return records.map((r) => ({
    id: r.id,
    timestamp: new Date(r.timestampMs),
    model_name: model.name,
    model_version: model.version,
    text: r.text,
    text_sha256: createHash('sha256').update(r.text, 'utf8').digest('hex'),
    text_chars: textChars(r.text),
    token_count: null,
    truncated: null,
    unknown_token_ratio: null,
    label: r.label,
    score: r.score,
    probabilities: [],
    embedding: r.embedding,
    latency_ms: null,
    request_id: 'connected-test',
    fields: { language: r.language },
    token_ids: null,
  }));
}

/** The records as JSON lines DuckDB reads (read_json) to write Parquet in any shape. */
export function asJsonLines(records: ConnectedRecord[]): string {
  return records
    .map((r) =>
      JSON.stringify({
        id: r.id,
        ts_ms: r.timestampMs,
        label: r.label,
        label_code: r.labelCode,
        score: r.score,
        text: r.text,
        language: r.language,
        embedding: Array.from(r.embedding),
      }),
    )
    .join('\n');
}
