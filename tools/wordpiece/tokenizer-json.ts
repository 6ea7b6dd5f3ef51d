/**
 * Writes a WordPiece vocabulary as a Hugging Face `tokenizer.json` shaped like bert-base-uncased's
 * (BertNormalizer, BertPreTokenizer, [CLS] $A [SEP] template), so any HF-compatible loader reads it.
 */

export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

export interface TokenizerJsonOptions {
  /** Lowercase and strip accents, as the uncased BERT models do. @default true */
  lowercase?: boolean;
  maxInputCharsPerWord?: number;
}

/**
 * Builds the tokenizer.json object. `vocab` must start with the five special tokens in SPECIAL_TOKENS
 * order, so [PAD]=0, [UNK]=1, [CLS]=2, [SEP]=3, [MASK]=4; continuation pieces carry the `##` prefix.
 */
export function buildTokenizerJson(vocab: readonly string[], options: TokenizerJsonOptions = {}) {
  SPECIAL_TOKENS.forEach((token, i) => {
    if (vocab[i] !== token) throw new Error(`vocab[${i}] must be ${token}, got ${vocab[i]}`);
  });
  const ids = new Map<string, number>();
  vocab.forEach((token, id) => {
    if (ids.has(token)) throw new Error(`duplicate token in vocab: ${token}`);
    ids.set(token, id);
  });
  const cls = ids.get('[CLS]') as number;
  const sep = ids.get('[SEP]') as number;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((content) => ({
      id: ids.get(content),
      special: true,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
    })),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: options.lowercase ?? true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [cls], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [sep], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: options.maxInputCharsPerWord ?? 100,
      vocab: Object.fromEntries(ids),
    },
  };
}

/** The tokenizer_config.json that @huggingface/tokenizers expects beside tokenizer.json. */
export function buildTokenizerConfig(maxLength: number) {
  return { do_lower_case: true, model_max_length: maxLength };
}
