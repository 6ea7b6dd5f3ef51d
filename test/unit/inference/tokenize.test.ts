import { describe, expect, it } from 'vitest';
import { createBatchTokenizer } from '../../../functions/lib/inference/tokenize.ts';
import { buildTokenizerConfig, buildTokenizerJson } from '../../../tools/wordpiece/tokenizer-json.ts';
import { fixtureVocab } from '../../fixtures/bundles/build-bundle.ts';

const vocab = fixtureVocab();
const id = (token: string) => vocab.indexOf(token);
const [PAD, UNK, CLS, SEP] = [0, 1, 2, 3];

function tokenizer(maxLength: number, padTokenId?: number) {
  return createBatchTokenizer(buildTokenizerJson(vocab), buildTokenizerConfig(maxLength), {
    maxLength,
    padTokenId,
  });
}

describe('createBatchTokenizer', () => {
  it('encodes with [CLS] ... [SEP] and counts tokens', () => {
    const e = tokenizer(16).encode('The film');
    expect(e.ids).toEqual([CLS, id('the'), id('film'), SEP]);
    expect(e.tokenCount).toBe(4);
    expect(e.truncated).toBe(false);
  });

  it('truncates to maxLength keeping [CLS] first and [SEP] last, and flags it', () => {
    const e = tokenizer(5).encode('the film was good and the music was great');
    expect(e.ids).toEqual([CLS, id('the'), id('film'), id('was'), SEP]);
    expect(e.tokenCount).toBe(11);
    expect(e.truncated).toBe(true);
  });

  it('does not flag a text of exactly maxLength tokens', () => {
    const e = tokenizer(4).encode('the film');
    expect(e.ids).toHaveLength(4);
    expect(e.truncated).toBe(false);
  });

  it('counts unknown tokens among the non-special ones, including [UNK] itself', () => {
    const e = tokenizer(16).encode('film ☃');
    expect(e.ids).toEqual([CLS, id('film'), UNK, SEP]);
    expect(e.unknownTokenRatio).toBe(0.5);
    expect(tokenizer(16).encode('').unknownTokenRatio).toBe(0);
  });

  it('pads each batch to its longest member with the pad id and a zero mask', () => {
    const b = tokenizer(16).encodeBatch(['film', 'the good film', '']);
    expect(b.batchSize).toBe(3);
    expect(b.seqLength).toBe(5);
    const row = (a: BigInt64Array, r: number) => Array.from(a.subarray(r * 5, r * 5 + 5), Number);
    expect(row(b.inputIds, 0)).toEqual([CLS, id('film'), SEP, PAD, PAD]);
    expect(row(b.attentionMask, 0)).toEqual([1, 1, 1, 0, 0]);
    expect(row(b.inputIds, 1)).toEqual([CLS, id('the'), id('good'), id('film'), SEP]);
    expect(row(b.attentionMask, 1)).toEqual([1, 1, 1, 1, 1]);
    expect(row(b.inputIds, 2)).toEqual([CLS, SEP, PAD, PAD, PAD]);
    expect(Array.from(b.tokenTypeIds, Number).every((v) => v === 0)).toBe(true);
  });

  it('pads with config pad_token_id when it is given', () => {
    const b = tokenizer(16, 4).encodeBatch(['film', 'the good film']);
    expect(Number(b.inputIds[3])).toBe(4);
  });

  it('rejects a max length too short for [CLS] and [SEP]', () => {
    expect(() => tokenizer(1)).toThrow(/max length/);
  });
});
