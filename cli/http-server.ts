/**
 * A node:http server that runs HTTP API (payload v2) handlers: each request becomes the same event
 * API Gateway would send, and the handler's result becomes the response. In front of every route it
 * refuses what a web page in the user's own browser could send cross-site (a foreign Origin, a body
 * that is not JSON), answers HEAD as GET without the body, and tells a client hang-up from a failure.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { MAX_BODY_BYTES, payloadTooLarge } from '../functions/lib/http/body.ts';
import { HttpError } from '../functions/lib/http/errors.ts';
import { toHttpApiEvent } from '../functions/lib/http/event.ts';
import { errorResponse, type HttpApiHandler, type HttpResult } from '../functions/lib/http/response.ts';
import { MAX_LOG_BODY_BYTES } from '../functions/lib/models/logged-records.ts';

/** What the server counted since it started; a client hang-up is not a server error. */
export interface HttpServerCounters {
  /** Requests answered (any status). */
  answered: number;
  /** Requests whose client closed the connection before its body arrived: not answered, not an error. */
  clientAborts: number;
  /** 5xx answers. */
  serverErrors: number;
}

export interface HttpApiServerOptions {
  /** Picks the handler for a request (it answers 404/405 itself for what it does not serve). */
  dispatch: HttpApiHandler;
  /** Largest body read, by path. @default 5 MB for /log (up to 1000 records), 1 MB elsewhere */
  maxBodyBytes?: number | ((path: string) => number);
  /** One line per request. @default console.log */
  log?: (line: string) => void;
  now?: () => number;
  /** Incremented as requests finish; pass one to read them (tests, shutdown summary). */
  counters?: HttpServerCounters;
}

// Past this much drained body after a 413, the client is not listening: drop the connection.
const MAX_DRAIN_BYTES = 16 * 1024 * 1024;
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** The client closed the connection before its request body was complete. */
class ClientAbortError extends Error {
  constructor() {
    super('client closed the connection before the request body was complete');
    this.name = 'ClientAbortError';
  }
}

export function newHttpServerCounters(): HttpServerCounters {
  return { answered: 0, clientAborts: 0, serverErrors: 0 };
}

function send(res: ServerResponse, result: HttpResult, head: boolean): void {
  const body = result.isBase64Encoded ? Buffer.from(result.body, 'base64') : Buffer.from(result.body, 'utf8');
  // HEAD answers the GET's headers, content-length included, without the body.
  const headers: Record<string, string | number> = { 'content-length': body.byteLength };
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k.toLowerCase()] = String(v);
  res.writeHead(result.statusCode, headers);
  res.end(head ? undefined : body);
}

/**
 * Why a request is refused before its body is read, or null. A browser always sends Origin on a
 * cross-site POST; a page may send text/plain or form bodies without a preflight, never JSON.
 */
export function refusal(method: string, headers: IncomingMessage['headers']): HttpError | null {
  const origin = headers.origin;
  if (origin !== undefined) {
    const host = headers.host;
    const own = host ? [`http://${host}`, `https://${host}`] : [];
    if (!own.includes(origin.toLowerCase().replace(/\/$/, ''))) {
      return new HttpError(
        403,
        'FORBIDDEN_ORIGIN',
        `requests from origin ${origin} are refused; call the API from a server or from its own origin`,
      );
    }
  }
  if (BODY_METHODS.has(method)) {
    const type = (headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/json') {
      return new HttpError(
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        `content-type must be application/json, got ${type === '' ? 'none' : type}`,
      );
    }
  }
  return null;
}

/** Reads the body up to `limit` bytes; beyond that resolves null and discards the rest unbuffered. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    const chunks: Buffer[] = [];
    let size = 0;
    let ended = false;
    let over = Number.isFinite(declared) && declared > limit;
    // An oversized body is drained before the 413 is sent: a client still writing when the server
    // closes sees only EPIPE, never the answer. Past MAX_DRAIN_BYTES the client is not listening.
    req.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (over) {
        if (size > MAX_DRAIN_BYTES) {
          req.pause();
          resolve(null);
        }
        return;
      }
      if (size > limit) {
        over = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      ended = true;
      resolve(over ? null : Buffer.concat(chunks));
    });
    // A hang-up mid-body surfaces as 'error' (ECONNRESET "aborted") or only as 'close' before 'end'.
    req.on('error', () => reject(new ClientAbortError()));
    req.on('close', () => {
      if (!ended) reject(new ClientAbortError());
    });
  });
}

export function createHttpApiServer(options: HttpApiServerOptions): Server {
  const limitOption =
    options.maxBodyBytes ?? ((path: string) => (path === '/log' ? MAX_LOG_BODY_BYTES : MAX_BODY_BYTES));
  const limitFor = typeof limitOption === 'number' ? () => limitOption : limitOption;
  const log = options.log ?? ((line: string) => console.log(line));
  const now = options.now ?? Date.now;
  const counters = options.counters ?? newHttpServerCounters();

  return createServer(async (req, res) => {
    const started = performance.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const head = method === 'HEAD';
    const url = req.url ?? '/';
    const path = url.split('?')[0];
    const limit = limitFor(path.length > 1 ? path.replace(/\/$/, '') : path);
    let result: HttpResult;
    try {
      const refused = refusal(method, req.headers);
      if (refused) {
        result = errorResponse(refused);
        // The body was not read; closing is cheaper than draining it.
        result.headers = { ...result.headers, connection: 'close' };
      } else {
        const body = await readBody(req, limit);
        if (body === null) {
          result = errorResponse(payloadTooLarge(limit));
          // The rest of an oversized body is not worth keeping the connection for.
          result.headers = { ...result.headers, connection: 'close' };
        } else {
          const event = toHttpApiEvent({
            method: head ? 'GET' : method,
            url,
            headers: req.headers,
            body,
            requestId: randomUUID(),
            nowMs: now(),
            sourceIp: req.socket.remoteAddress,
          });
          result = await options.dispatch(event);
        }
      }
    } catch (err) {
      if (err instanceof ClientAbortError) {
        // Nothing was dispatched, so nothing was logged; there is no one to answer.
        counters.clientAborts++;
        log(`${method} ${path} client-closed ${(performance.now() - started).toFixed(1)}ms`);
        return;
      }
      console.error('vigil serve: request failed', err);
      result = errorResponse(err);
    }
    counters.answered++;
    if (result.statusCode >= 500) counters.serverErrors++;
    send(res, result, head);
    log(`${method} ${path} ${result.statusCode} ${(performance.now() - started).toFixed(1)}ms`);
  });
}
