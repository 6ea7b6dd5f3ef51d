/** POST /predict and GET /health over any TextClassifier and PredictionLog (wired in handler.ts). */
import { createHash } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { readJsonBody } from '../lib/http/body.ts';
import { HttpError } from '../lib/http/errors.ts';
import type { PredictionLog, RandomBytes, TextHasher } from '../lib/http/ports.ts';
import { parsePredictRequest } from '../lib/http/predict-request.ts';
import { buildPredictionRecords } from '../lib/http/prediction-records.ts';
import { errorResponse, type HttpApiHandler, type HttpResult, jsonResponse } from '../lib/http/response.ts';
import { selectRoute } from '../lib/http/routes.ts';
import type { TextClassifier } from '../lib/inference/types.ts';
import { uuidv7 } from '../lib/records/uuidv7.ts';

export interface PredictDeps {
  classifier: TextClassifier;
  log: PredictionLog;
  /** Keep the raw text in the log (VIGIL_STORE_TEXT); text_sha256 is always kept. */
  storeText: boolean;
  /** Wall clock, epoch milliseconds: record timestamps and ids. */
  now: () => number;
  /** Monotonic milliseconds for latency_ms. @default now */
  elapsedMs?: () => number;
  randomBytes: RandomBytes;
  /** @default SHA-256 hex of the UTF-8 text */
  hashText?: TextHasher;
  /** Where unexpected errors are reported. @default console.error */
  logError?: (message: string, err: unknown) => void;
}

export const sha256Hex: TextHasher = (text) => createHash('sha256').update(text, 'utf8').digest('hex');

export function makeHandler(deps: PredictDeps): HttpApiHandler {
  const { classifier, log } = deps;
  const elapsed = deps.elapsedMs ?? deps.now;
  const hashText = deps.hashText ?? sha256Hex;
  const logError = deps.logError ?? ((message, err) => console.error(message, err));
  const model = { name: classifier.info.name, version: classifier.info.version };

  async function predict(event: APIGatewayProxyEventV2): Promise<HttpResult> {
    const request = parsePredictRequest(readJsonBody(event));
    const started = elapsed();
    const predictions = await classifier.predict(request.texts);
    const latencyMs = elapsed() - started;
    const timestampMs = deps.now();
    const ids = request.texts.map(() => uuidv7(timestampMs, deps.randomBytes));
    const records = buildPredictionRecords(request.texts, predictions, {
      ids,
      timestampMs,
      model,
      latencyMs,
      requestId: event.requestContext?.requestId ?? ids[0],
      storeText: deps.storeText,
      hashText,
    });
    try {
      await log.putPredictions(records);
    } catch (err) {
      if (err instanceof HttpError) throw err; // e.g. 413 RECORD_TOO_LARGE: retrying cannot help
      logError('prediction log write failed', err);
      throw new HttpError(
        503,
        'LOG_WRITE_FAILED',
        'the predictions could not be written to the log; nothing was recorded, retry the request',
        { 'retry-after': '1' },
      );
    }
    return jsonResponse(200, {
      model,
      predictions: predictions.map((p, i) => ({
        id: ids[i],
        label: p.label,
        score: p.score,
        probabilities: Object.fromEntries(
          classifier.info.labels.map((label, j) => [label, p.probabilities[j]]),
        ),
        ...(request.returnEmbedding ? { embedding: Array.from(p.embedding) } : {}),
      })),
    });
  }

  async function health(): Promise<HttpResult> {
    return jsonResponse(200, { status: 'ok', model: { ...model, labels: classifier.info.labels } });
  }

  const routes = { '/predict': { POST: predict }, '/health': { GET: health } };

  return async (event) => {
    try {
      return await selectRoute(event, routes)(event);
    } catch (err) {
      if (!(err instanceof HttpError)) logError('unhandled error in the predict handler', err);
      return errorResponse(err);
    }
  };
}
