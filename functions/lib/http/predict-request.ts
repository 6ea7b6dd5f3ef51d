/** Validates a POST /predict body: `{"text": "..."}` or `{"texts": [...]}`, optional return_embedding. */
import { isPlainObject } from './body.ts';
import { HttpError, invalidRequest } from './errors.ts';
import { codePointLength } from './text-length.ts';

export const MAX_BATCH_TEXTS = 64;
export const MAX_TEXT_CHARS = 100_000;

export interface PredictRequest {
  texts: string[];
  returnEmbedding: boolean;
}

function checkText(text: unknown, field: string): string {
  if (typeof text !== 'string') throw invalidRequest(`${field} must be a string`);
  // Only long strings need the exact count; code points never outnumber UTF-16 units.
  if (text.length > MAX_TEXT_CHARS && codePointLength(text) > MAX_TEXT_CHARS) {
    throw new HttpError(413, 'TEXT_TOO_LONG', `${field} is longer than ${MAX_TEXT_CHARS} characters`);
  }
  return text;
}

export function parsePredictRequest(body: unknown): PredictRequest {
  if (!isPlainObject(body)) throw invalidRequest('request body must be a JSON object with "text" or "texts"');
  const hasText = body.text !== undefined;
  const hasTexts = body.texts !== undefined;
  if (hasText && hasTexts) throw invalidRequest('send either "text" or "texts", not both');
  if (!hasText && !hasTexts) throw invalidRequest('"text" is required (or "texts" for a batch)');
  const returnEmbedding = body.return_embedding ?? false;
  if (typeof returnEmbedding !== 'boolean') throw invalidRequest('"return_embedding" must be a boolean');
  if (hasText) return { texts: [checkText(body.text, '"text"')], returnEmbedding };
  const texts = body.texts;
  if (!Array.isArray(texts)) throw invalidRequest('"texts" must be an array of strings');
  if (texts.length === 0) throw invalidRequest('"texts" must not be empty');
  if (texts.length > MAX_BATCH_TEXTS) {
    throw new HttpError(
      400,
      'BATCH_TOO_LARGE',
      `"texts" has ${texts.length} items; the limit is ${MAX_BATCH_TEXTS}`,
    );
  }
  return { texts: texts.map((t, i) => checkText(t, `"texts[${i}]"`)), returnEmbedding };
}
