/**
 * Batch tokenization for the encoder: @huggingface/tokenizers encodes one text at a time with no
 * truncation or padding, so this module truncates to the model's length, pads to the batch's longest
 * member and packs int64 tensors.
 */
import { Tokenizer } from '@huggingface/tokenizers';
import { ModelBundleError } from './errors.ts';

export interface TokenizerSettings {
  /** Token budget including special tokens. */
  maxLength: number;
  /** Overrides the pad id found in the vocabulary ([PAD]) or tokenizer.json. */
  padTokenId?: number;
}

/** One text's ids after truncation, with the statistics the log records. */
export interface EncodedText {
  ids: number[];
  /** Tokens the whole text produced (special tokens included), before truncation. */
  tokenCount: number;
  truncated: boolean;
  /** Share of non-special tokens that are the unknown token (0 when there are none). */
  unknownTokenRatio: number;
}

/** A padded batch: row-major [batchSize, seqLength] int64 tensors' data. */
export interface EncodedBatch {
  batchSize: number;
  seqLength: number;
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  /** All zeros: a single-sequence input has type 0 everywhere. */
  tokenTypeIds: BigInt64Array;
  texts: EncodedText[];
}

export interface BatchTokenizer {
  readonly padTokenId: number;
  readonly unkTokenId: number | undefined;
  encode(text: string): EncodedText;
  encodeBatch(texts: readonly string[]): EncodedBatch;
}

interface AddedTokenJson {
  id?: unknown;
  special?: unknown;
}

function specialIdsOf(tokenizerJson: Record<string, unknown>): Set<number> {
  const ids = new Set<number>();
  const added = Array.isArray(tokenizerJson.added_tokens)
    ? (tokenizerJson.added_tokens as AddedTokenJson[])
    : [];
  for (const t of added) if (t.special === true && typeof t.id === 'number') ids.add(t.id);
  return ids;
}

function padIdOf(tokenizer: Tokenizer, tokenizerJson: Record<string, unknown>, override?: number): number {
  if (override !== undefined) return override;
  const fromVocab = tokenizer.token_to_id('[PAD]') ?? tokenizer.token_to_id('<pad>');
  if (fromVocab !== undefined) return fromVocab;
  const padding = tokenizerJson.padding as { pad_id?: unknown } | null | undefined;
  return typeof padding?.pad_id === 'number' ? padding.pad_id : 0;
}

function unkIdOf(tokenizer: Tokenizer, tokenizerJson: Record<string, unknown>): number | undefined {
  const model = tokenizerJson.model as { unk_token?: unknown } | undefined;
  const unk = typeof model?.unk_token === 'string' ? model.unk_token : '[UNK]';
  return tokenizer.token_to_id(unk);
}

export function createBatchTokenizer(
  tokenizerJson: Record<string, unknown>,
  tokenizerConfig: Record<string, unknown>,
  settings: TokenizerSettings,
): BatchTokenizer {
  if (!Number.isInteger(settings.maxLength) || settings.maxLength < 2) {
    throw new ModelBundleError(
      'MODEL_BUNDLE_INVALID',
      `max length must be an integer >= 2, got ${settings.maxLength}`,
    );
  }
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
  } catch (err) {
    throw new ModelBundleError(
      'MODEL_BUNDLE_INVALID',
      `tokenizer.json cannot be loaded: ${(err as Error).message}`,
    );
  }
  const maxLength = settings.maxLength;
  const specialIds = specialIdsOf(tokenizerJson);
  const padTokenId = padIdOf(tokenizer, tokenizerJson, settings.padTokenId);
  const unkTokenId = unkIdOf(tokenizer, tokenizerJson);
  // [UNK] is listed among tokenizer.json's special tokens, but it stands for text, so it counts as a token.
  if (unkTokenId !== undefined) specialIds.delete(unkTokenId);

  function encode(text: string): EncodedText {
    const all = tokenizer.encode(text).ids;
    let plain = 0;
    let unknown = 0;
    for (const id of all) {
      if (specialIds.has(id)) continue;
      plain++;
      if (id === unkTokenId) unknown++;
    }
    const tokenCount = all.length;
    const truncated = tokenCount > maxLength;
    let ids = all;
    if (truncated) {
      // Keep [CLS] ... and the closing special token ([SEP]), as HF truncation does.
      const last = all[tokenCount - 1];
      ids = all.slice(0, maxLength);
      if (specialIds.has(last)) ids[maxLength - 1] = last;
    }
    return { ids, tokenCount, truncated, unknownTokenRatio: plain === 0 ? 0 : unknown / plain };
  }

  function encodeBatch(texts: readonly string[]): EncodedBatch {
    const encoded = texts.map(encode);
    let seqLength = 1;
    for (const e of encoded) if (e.ids.length > seqLength) seqLength = e.ids.length;
    const size = texts.length * seqLength;
    const inputIds = new BigInt64Array(size);
    const attentionMask = new BigInt64Array(size);
    // Writing the low 32-bit words avoids one BigInt allocation per token (ids are small and >= 0).
    const ids32 = new Int32Array(inputIds.buffer);
    const mask32 = new Int32Array(attentionMask.buffer);
    for (let row = 0; row < encoded.length; row++) {
      const ids = encoded[row].ids;
      const base = row * seqLength;
      for (let j = 0; j < seqLength; j++) {
        const k = (base + j) * 2;
        if (j < ids.length) {
          ids32[k] = ids[j];
          mask32[k] = 1;
        } else {
          ids32[k] = padTokenId;
        }
      }
    }
    return {
      batchSize: texts.length,
      seqLength,
      inputIds,
      attentionMask,
      tokenTypeIds: new BigInt64Array(size),
      texts: encoded,
    };
  }

  return { padTokenId, unkTokenId, encode, encodeBatch };
}
