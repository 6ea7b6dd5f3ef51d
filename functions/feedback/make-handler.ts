/** POST /feedback: ground-truth labels for earlier predictions, written as actuals partitions. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { readJsonBody } from '../lib/http/body.ts';
import { HttpError } from '../lib/http/errors.ts';
import { parseFeedbackRequest } from '../lib/http/feedback-request.ts';
import type { ActualsLog } from '../lib/http/ports.ts';
import { errorResponse, type HttpApiHandler, type HttpResult, jsonResponse } from '../lib/http/response.ts';
import { selectRoute } from '../lib/http/routes.ts';
import type { ModelInfo } from '../lib/inference/types.ts';

export interface FeedbackDeps {
  /** The served model: its labels validate the feedback and its name picks the actuals partition. */
  model: Pick<ModelInfo, 'name' | 'labels'>;
  log: ActualsLog;
  now: () => number;
  logError?: (message: string, err: unknown) => void;
}

export function makeHandler(deps: FeedbackDeps): HttpApiHandler {
  const logError = deps.logError ?? ((message, err) => console.error(message, err));

  async function feedback(event: APIGatewayProxyEventV2): Promise<HttpResult> {
    const labels = parseFeedbackRequest(readJsonBody(event), deps.model.labels);
    const timestamp = new Date(deps.now());
    try {
      await deps.log.putActuals(
        labels.map(({ id, label }) => ({ id, timestamp, label })),
        deps.model.name,
      );
    } catch (err) {
      logError('actuals write failed', err);
      throw new HttpError(
        503,
        'LOG_WRITE_FAILED',
        'the labels could not be written; nothing was recorded, retry',
        {
          'retry-after': '1',
        },
      );
    }
    return jsonResponse(200, { accepted: labels.length });
  }

  const routes = { '/feedback': { POST: feedback } };

  return async (event) => {
    try {
      return await selectRoute(event, routes)(event);
    } catch (err) {
      if (!(err instanceof HttpError)) logError('unhandled error in the feedback handler', err);
      return errorResponse(err);
    }
  };
}
