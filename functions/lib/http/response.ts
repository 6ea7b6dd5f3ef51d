/** JSON responses in the API Gateway HTTP API (payload v2) result shape. */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { HttpError } from './errors.ts';

export type HttpResult = APIGatewayProxyStructuredResultV2 & { statusCode: number; body: string };

/** An HTTP API (payload v2) Lambda handler; assignable to APIGatewayProxyHandlerV2. */
export type HttpApiHandler = (event: APIGatewayProxyEventV2, context?: unknown) => Promise<HttpResult>;

export function jsonResponse(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

/** `{"error": {"code", "message"}}`; anything that is not an HttpError is a bug and answers 500. */
export function errorResponse(err: unknown): HttpResult {
  if (err instanceof HttpError) {
    return jsonResponse(
      err.status,
      { error: { code: err.code, message: err.message, ...err.details } },
      err.headers,
    );
  }
  return jsonResponse(500, {
    error: { code: 'INTERNAL_ERROR', message: 'internal error; see the server log' },
  });
}
