/**
 * A node:http server that runs HTTP API (payload v2) handlers: each request becomes the same event
 * API Gateway would send, and the handler's result becomes the response.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { MAX_BODY_BYTES, payloadTooLarge } from '../functions/lib/http/body.ts';
import { toHttpApiEvent } from '../functions/lib/http/event.ts';
import { errorResponse, type HttpApiHandler, type HttpResult } from '../functions/lib/http/response.ts';

export interface HttpApiServerOptions {
  /** Picks the handler for a request (it answers 404/405 itself for what it does not serve). */
  dispatch: HttpApiHandler;
  maxBodyBytes?: number;
  /** One line per request. @default console.log */
  log?: (line: string) => void;
  now?: () => number;
}

// Past this much drained body after a 413, the client is not listening: drop the connection.
const MAX_DRAIN_BYTES = 16 * 1024 * 1024;

function send(res: ServerResponse, result: HttpResult): void {
  const body = result.isBase64Encoded ? Buffer.from(result.body, 'base64') : Buffer.from(result.body, 'utf8');
  const headers: Record<string, string | number> = { 'content-length': body.byteLength };
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k.toLowerCase()] = String(v);
  res.writeHead(result.statusCode, headers);
  res.end(body);
}

/** Reads the body up to `limit` bytes; beyond that resolves null and discards the rest unbuffered. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    const chunks: Buffer[] = [];
    let size = 0;
    let over = Number.isFinite(declared) && declared > limit;
    if (over) resolve(null);
    req.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (over) {
        if (size > MAX_DRAIN_BYTES) req.destroy();
        return;
      }
      if (size > limit) {
        over = true;
        chunks.length = 0;
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function createHttpApiServer(options: HttpApiServerOptions): Server {
  const limit = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const log = options.log ?? ((line: string) => console.log(line));
  const now = options.now ?? Date.now;

  return createServer(async (req, res) => {
    const started = performance.now();
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    let result: HttpResult;
    try {
      const body = await readBody(req, limit);
      if (body === null) {
        result = errorResponse(payloadTooLarge(limit));
        // The rest of an oversized body is not worth keeping the connection for.
        result.headers = { ...result.headers, connection: 'close' };
      } else {
        const event = toHttpApiEvent({
          method,
          url,
          headers: req.headers,
          body,
          requestId: randomUUID(),
          nowMs: now(),
          sourceIp: req.socket.remoteAddress,
        });
        result = await options.dispatch(event);
      }
    } catch (err) {
      console.error('vigil serve: request failed', err);
      result = errorResponse(err);
    }
    send(res, result);
    log(`${method} ${url.split('?')[0]} ${result.statusCode} ${(performance.now() - started).toFixed(1)}ms`);
  });
}
