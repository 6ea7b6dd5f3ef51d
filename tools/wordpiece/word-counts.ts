/** Counts words exactly as the exported tokenizer will see them (BertNormalizer + BertPreTokenizer). */
import { Tokenizer } from '@huggingface/tokenizers';
import { buildTokenizerConfig, buildTokenizerJson, SPECIAL_TOKENS } from './tokenizer-json.ts';

/** Borrows the normalizer and pre-tokenizer of a tokenizer.json like the one we export, so both agree. */
export function createBertWordSplitter(lowercase = true): (text: string) => string[] {
  const tokenizer = new Tokenizer(
    buildTokenizerJson([...SPECIAL_TOKENS], { lowercase }),
    buildTokenizerConfig(512),
  );
  const normalizer = tokenizer.normalizer;
  const preTokenizer = tokenizer.pre_tokenizer;
  if (!normalizer || !preTokenizer) throw new Error('tokenizer.json lost its normalizer or pre-tokenizer');
  return (text) => preTokenizer.pre_tokenize_text(normalizer.normalize(text));
}

/** Word -> number of occurrences over all texts. */
export function countWords(texts: Iterable<string>, lowercase = true): Map<string, number> {
  const split = createBertWordSplitter(lowercase);
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const word of split(text)) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return counts;
}
