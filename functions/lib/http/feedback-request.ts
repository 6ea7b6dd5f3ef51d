/** Validates a POST /feedback body: `{"labels": [{"id": "<prediction id>", "label": "..."}]}`. */
import { isPlainObject } from './body.ts';
import { HttpError, invalidRequest } from './errors.ts';

export const MAX_FEEDBACK_LABELS = 1000;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface FeedbackLabel {
  id: string;
  label: string;
}

export function parseFeedbackRequest(body: unknown, knownLabels: readonly string[]): FeedbackLabel[] {
  if (!isPlainObject(body)) throw invalidRequest('request body must be a JSON object with "labels"');
  const labels = body.labels;
  if (!Array.isArray(labels)) throw invalidRequest('"labels" must be an array of {"id", "label"} objects');
  if (labels.length === 0) throw invalidRequest('"labels" must not be empty');
  if (labels.length > MAX_FEEDBACK_LABELS) {
    throw new HttpError(
      400,
      'BATCH_TOO_LARGE',
      `"labels" has ${labels.length} items; the limit is ${MAX_FEEDBACK_LABELS}`,
    );
  }
  const allowed = new Set(knownLabels);
  return labels.map((item, i) => {
    if (!isPlainObject(item)) throw invalidRequest(`"labels[${i}]" must be an object with "id" and "label"`);
    if (typeof item.id !== 'string' || !UUID_RE.test(item.id)) {
      throw invalidRequest(`"labels[${i}].id" must be a prediction id (a UUID)`);
    }
    if (typeof item.label !== 'string') throw invalidRequest(`"labels[${i}].label" must be a string`);
    if (!allowed.has(item.label)) {
      throw new HttpError(
        400,
        'UNKNOWN_LABEL',
        `"labels[${i}].label" ${JSON.stringify(item.label)} is not a label of this model (${knownLabels.join(', ')})`,
      );
    }
    return { id: item.id.toLowerCase(), label: item.label };
  });
}
