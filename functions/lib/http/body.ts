/** Reads an HTTP API event's body as JSON, with the size limit applied before parsing. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { HttpError } from './errors.ts';

/** 1 MiB: far above 64 texts of normal length, far below what would hurt a Lambda. */
export const MAX_BODY_BYTES = 1024 * 1024;

export function payloadTooLarge(maxBytes: number = MAX_BODY_BYTES): HttpError {
  return new HttpError(413, 'PAYLOAD_TOO_LARGE', `request body is larger than ${maxBytes} bytes`);
}

export function readJsonBody(
  event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>,
  maxBytes = MAX_BODY_BYTES,
): unknown {
  const raw = event.body ?? '';
  // Base64 grows data by 4/3, so its decoded size is checked after decoding.
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (text.byteLength > maxBytes) throw payloadTooLarge(maxBytes);
  if (text.byteLength === 0)
    throw new HttpError(400, 'INVALID_JSON', 'request body is empty; send a JSON object');
  try {
    return JSON.parse(text.toString('utf8')) as unknown;
  } catch (err) {
    throw new HttpError(400, 'INVALID_JSON', `request body is not valid JSON: ${(err as Error).message}`);
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
