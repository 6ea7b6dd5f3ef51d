/**
 * Maps a plain HTTP request onto an API Gateway HTTP API (payload v2) event, so the local server
 * runs the Lambda handlers unchanged.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export interface PlainHttpRequest {
  method: string;
  /** Path plus optional query string, e.g. `/predict?x=1`. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  requestId: string;
  nowMs: number;
  sourceIp?: string;
}

/** Bodies that are not valid UTF-8 travel base64-encoded, as API Gateway does for binary media. */
function encodeBody(body: Buffer): { body: string | undefined; isBase64Encoded: boolean } {
  if (body.byteLength === 0) return { body: undefined, isBase64Encoded: false };
  const text = body.toString('utf8');
  if (Buffer.byteLength(text, 'utf8') === body.byteLength && !text.includes('\uFFFD')) {
    return { body: text, isBase64Encoded: false };
  }
  return { body: body.toString('base64'), isBase64Encoded: true };
}

export function toHttpApiEvent(req: PlainHttpRequest): APIGatewayProxyEventV2 {
  const q = req.url.indexOf('?');
  const rawPath = q === -1 ? req.url : req.url.slice(0, q);
  const rawQueryString = q === -1 ? '' : req.url.slice(q + 1);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const queryStringParameters: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(rawQueryString)) {
    queryStringParameters[k] = k in queryStringParameters ? `${queryStringParameters[k]},${v}` : v;
  }
  const method = req.method.toUpperCase();
  const time = new Date(req.nowMs);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers,
    ...(rawQueryString ? { queryStringParameters } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: req.sourceIp ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: req.requestId,
      routeKey: '$default',
      stage: '$default',
      time: time.toISOString(),
      timeEpoch: req.nowMs,
    },
    ...encodeBody(req.body),
  };
}
