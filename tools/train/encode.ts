/** Turns texts into token-id sequences with the bundle's tokenizer, truncated like the HF pipeline. */
import { Tokenizer } from '@huggingface/tokenizers';
import { buildTokenizerConfig, buildTokenizerJson } from '../wordpiece/tokenizer-json.ts';

export interface Example {
  ids: Int32Array;
  label: number;
}

export function createTokenizer(vocab: readonly string[], maxLength: number): Tokenizer {
  return new Tokenizer(buildTokenizerJson(vocab), buildTokenizerConfig(maxLength));
}

/** [CLS] + the first maxLength - 2 word pieces + [SEP], as HF truncation keeps the specials. */
export function encodeText(tokenizer: Tokenizer, text: string, maxLength: number): Int32Array {
  const ids = tokenizer.encode(text).ids;
  if (ids.length <= maxLength) return Int32Array.from(ids);
  const out = Int32Array.from(ids.slice(0, maxLength));
  out[maxLength - 1] = ids[ids.length - 1];
  return out;
}

export function encodeExamples(
  tokenizer: Tokenizer,
  rows: readonly { text: string; label: number }[],
  maxLength: number,
): Example[] {
  return rows.map((r) => ({ ids: encodeText(tokenizer, r.text, maxLength), label: r.label }));
}
