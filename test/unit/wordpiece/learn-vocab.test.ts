import { Tokenizer } from '@huggingface/tokenizers';
import { describe, expect, it } from 'vitest';
import { learnWordPieceVocab } from '../../../tools/wordpiece/learn-vocab.ts';
import {
  buildTokenizerConfig,
  buildTokenizerJson,
  SPECIAL_TOKENS,
} from '../../../tools/wordpiece/tokenizer-json.ts';

// A small corpus written for this test: a few frequent words, some accents and punctuation.
const corpus = [
  ...Array(30).fill('The movie was GREAT, truly great!'),
  ...Array(20).fill('a boring movie , sadly'),
  ...Array(12).fill('Café scenes were great fun'),
  'the actors in greatmovie were underwhelming',
];

/** Greedy longest-match-first WordPiece, written independently of the library. */
function greedyPieces(word: string, vocab: Set<string>): string[] {
  const pieces: string[] = [];
  let start = 0;
  while (start < word.length) {
    let end = word.length;
    let piece = '';
    while (end > start) {
      const candidate = (start > 0 ? '##' : '') + word.slice(start, end);
      if (vocab.has(candidate)) {
        piece = candidate;
        break;
      }
      end--;
    }
    if (!piece) return ['[UNK]'];
    pieces.push(piece);
    start = end;
  }
  return pieces;
}

describe('learnWordPieceVocab', () => {
  const vocab = learnWordPieceVocab(corpus, { vocabSize: 120 });
  const tokenizer = new Tokenizer(buildTokenizerJson(vocab), buildTokenizerConfig(32));

  it('starts with the special tokens and respects the requested size', () => {
    expect(vocab.slice(0, SPECIAL_TOKENS.length)).toEqual([...SPECIAL_TOKENS]);
    expect(vocab.length).toBeLessThanOrEqual(120);
    expect(new Set(vocab).size).toBe(vocab.length);
  });

  it('normalises like BertNormalizer: lowercase, accents stripped, punctuation split off', () => {
    expect(vocab).toContain('great');
    expect(vocab).toContain('cafe');
    expect(vocab).not.toContain('GREAT');
    expect(vocab).not.toContain('café');
    expect(vocab).not.toContain('great,');
    expect(vocab).toContain(',');
  });

  it('makes frequent words whole tokens the HF tokenizer uses', () => {
    const encoded = tokenizer.encode('The movie was great, Café!');
    expect(encoded.tokens).toEqual(['[CLS]', 'the', 'movie', 'was', 'great', ',', 'cafe', '!', '[SEP]']);
  });

  it('splits a rare word into ## pieces that the HF tokenizer reproduces', () => {
    expect(vocab).not.toContain('greatmovie');
    const tokens = tokenizer.encode('greatmovie').tokens.slice(1, -1);
    expect(tokens.length).toBeGreaterThan(1);
    expect(tokens[0]).toBe('great');
    expect(tokens.slice(1).every((t: string) => t.startsWith('##'))).toBe(true);
    expect(tokens.map((t: string) => t.replace(/^##/, '')).join('')).toBe('greatmovie');
    expect(tokens).toEqual(greedyPieces('greatmovie', new Set(vocab)));
  });

  it('is deterministic and stops merging pairs rarer than minFrequency', () => {
    expect(learnWordPieceVocab(corpus, { vocabSize: 120 })).toEqual(vocab);
    const strict = learnWordPieceVocab(corpus, { vocabSize: 10_000, minFrequency: 5 });
    expect(strict).not.toContain('underwhelming'); // seen once
    expect(strict).toContain('boring'); // seen 20 times
  });
});
