/**
 * POST /log (predictions of a model served elsewhere) and the model-version routes
 * PUT/GET /models/{name}/versions/{version}, GET /models, over any store (wired in handler.ts).
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { isPlainObject, readJsonBody } from '../lib/http/body.ts';
import { HttpError, invalidRequest } from '../lib/http/errors.ts';
import type { PredictionLog, RandomBytes, TextHasher } from '../lib/http/ports.ts';
import { errorResponse, type HttpApiHandler, type HttpResult, jsonResponse } from '../lib/http/response.ts';
import { ModelVersionError, SchemaMismatchError } from '../lib/models/errors.ts';
import {
  buildLoggedRecords,
  DEFAULT_BACKFILL_MS,
  MAX_LOG_BODY_BYTES,
  MAX_LOG_RECORDS,
} from '../lib/models/logged-records.ts';
import { type ModelVersion, parseModelVersion, type SourceValidator } from '../lib/models/model-version.ts';
import {
  declareModelVersion,
  listModelVersions,
  readModelVersion,
  SchemaConflictError,
} from '../lib/models/registry.ts';
import { InvalidPartitionValueError } from '../lib/records/layout.ts';
import type { ObjectStore } from '../lib/records/store.ts';
import { uuidv7 } from '../lib/records/uuidv7.ts';
import { SourceSchemaError } from '../lib/sources/errors.ts';
import { sha256Hex } from '../predict/make-handler.ts';

export interface LogDeps {
  /** Where model versions are declared and read (models/…/model.json). */
  models: Pick<ObjectStore, 'getObject' | 'putObject' | 'list'>;
  log: PredictionLog;
  now: () => number;
  randomBytes: RandomBytes;
  /** How far back a record may be dated. @default 7 days */
  backfillMs?: number;
  /** Keep raw texts in the log. @default true */
  storeText?: boolean;
  hashText?: TextHasher;
  /** Deeper checks of a declared source (connected stores). */
  validateSource?: SourceValidator;
  /** Declaration-time check of a reachable source's columns (throws SourceSchemaError). */
  checkSource?: (model: ModelVersion) => Promise<unknown>;
  logError?: (message: string, err: unknown) => void;
}

type Params = Record<string, string>;
type Route = (event: APIGatewayProxyEventV2, params: Params) => Promise<HttpResult>;

const MODEL_PATH = /^\/models\/([^/]+)\/versions\/([^/]+)$/;

function matchRoute(path: string, method: string, routes: LogRoutes): { route: Route; params: Params } {
  const p = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  let byMethod: Partial<Record<string, Route>> | undefined;
  let params: Params = {};
  if (p === '/log') byMethod = routes.log;
  else if (p === '/models') byMethod = routes.models;
  else {
    const m = MODEL_PATH.exec(p);
    if (m) {
      byMethod = routes.modelVersion;
      params = { name: decodeURIComponent(m[1]), version: decodeURIComponent(m[2]) };
    }
  }
  if (!byMethod) throw new HttpError(404, 'NOT_FOUND', `no route for ${path}`);
  const route = byMethod[method];
  if (!route) {
    const allow = Object.keys(byMethod).join(', ');
    throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${p}; use ${allow}`, {
      allow,
    });
  }
  return { route, params };
}

interface LogRoutes {
  log: Partial<Record<string, Route>>;
  models: Partial<Record<string, Route>>;
  modelVersion: Partial<Record<string, Route>>;
}

function asHttpError(err: unknown): unknown {
  if (err instanceof SchemaMismatchError)
    return new HttpError(400, 'SCHEMA_MISMATCH', err.message, {}, { index: err.index, field: err.field });
  if (err instanceof ModelVersionError)
    return new HttpError(400, 'INVALID_MODEL_VERSION', err.message, {}, { path: err.path });
  if (err instanceof SchemaConflictError) return new HttpError(409, 'SCHEMA_CONFLICT', err.message);
  if (err instanceof SourceSchemaError)
    return new HttpError(400, 'SOURCE_SCHEMA_ERROR', err.message, {}, { field: err.column });
  if (err instanceof InvalidPartitionValueError) return new HttpError(400, 'INVALID_REQUEST', err.message);
  return err;
}

function modelNotFound(name: string, version: string): HttpError {
  return new HttpError(
    404,
    'MODEL_NOT_FOUND',
    `no model version ${name}@${version}; declare it first with PUT /models/${name}/versions/${version}`,
  );
}

export function makeHandler(deps: LogDeps): HttpApiHandler {
  const logError = deps.logError ?? ((message, err) => console.error(message, err));
  const hashText = deps.hashText ?? sha256Hex;
  const backfillMs = deps.backfillMs ?? DEFAULT_BACKFILL_MS;
  // Declarations change rarely and are read on every batch: keep them briefly.
  const cache = new Map<string, { model: ModelVersion; at: number }>();
  const CACHE_MS = 10_000;

  async function modelFor(name: string, version: string): Promise<ModelVersion> {
    const key = `${name}\u0000${version}`;
    const hit = cache.get(key);
    if (hit && deps.now() - hit.at < CACHE_MS) return hit.model;
    const model = await readModelVersion(deps.models, name, version);
    if (!model) throw modelNotFound(name, version);
    cache.set(key, { model, at: deps.now() });
    return model;
  }

  async function log(event: APIGatewayProxyEventV2): Promise<HttpResult> {
    const body = readJsonBody(event, MAX_LOG_BODY_BYTES);
    if (!isPlainObject(body))
      throw invalidRequest('body must be {"model": {"name", "version"}, "records": [...]}');
    const ref = body.model;
    if (!isPlainObject(ref) || typeof ref.name !== 'string' || typeof ref.version !== 'string')
      throw invalidRequest('"model" must be {"name": "...", "version": "..."}');
    if (!Array.isArray(body.records) || body.records.length === 0)
      throw invalidRequest('"records" must be a non-empty list');
    if (body.records.length > MAX_LOG_RECORDS)
      throw new HttpError(
        400,
        'BATCH_TOO_LARGE',
        `at most ${MAX_LOG_RECORDS} records per request, got ${body.records.length}`,
      );
    const model = await modelFor(ref.name, ref.version);
    const nowMs = deps.now();
    const records = buildLoggedRecords(body.records, {
      model,
      nowMs,
      backfillMs,
      requestId: event.requestContext?.requestId ?? uuidv7(nowMs, deps.randomBytes),
      newId: () => uuidv7(nowMs, deps.randomBytes),
      hashText,
      storeText: deps.storeText ?? true,
    });
    try {
      await deps.log.putPredictions(records);
    } catch (err) {
      // A refusal before sending (a record over Firehose's size limit) is the caller's to fix: 413.
      if (err instanceof HttpError) throw err;
      logError('prediction log write failed', err);
      throw new HttpError(
        503,
        'LOG_WRITE_FAILED',
        'the records could not be written to the log; nothing was recorded, retry with the same ids',
        { 'retry-after': '1' },
      );
    }
    return jsonResponse(200, {
      model: { name: model.name, version: model.version },
      accepted: records.length,
      ids: records.map((r) => r.id),
    });
  }

  async function putModelVersion(event: APIGatewayProxyEventV2, params: Params): Promise<HttpResult> {
    const body = readJsonBody(event);
    const parsed = parseModelVersion(body, {
      name: params.name,
      version: params.version,
      now: new Date(deps.now()),
      validateSource: deps.validateSource,
    });
    if (parsed.source && deps.checkSource) await deps.checkSource(parsed);
    const { outcome, model } = await declareModelVersion(deps.models, parsed);
    cache.delete(`${model.name}\u0000${model.version}`);
    return jsonResponse(outcome === 'created' ? 201 : 200, model);
  }

  async function getModelVersion(_event: APIGatewayProxyEventV2, params: Params): Promise<HttpResult> {
    const model = await readModelVersion(deps.models, params.name, params.version);
    if (!model) throw modelNotFound(params.name, params.version);
    return jsonResponse(200, model);
  }

  async function getModels(event: APIGatewayProxyEventV2): Promise<HttpResult> {
    const q = event.queryStringParameters ?? {};
    const limit = q.limit === undefined ? 100 : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      throw invalidRequest('limit must be an integer from 1 to 1000');
    const page = await listModelVersions(deps.models, { cursor: q.cursor ?? null, limit });
    return jsonResponse(200, { models: page.models, next_cursor: page.nextCursor });
  }

  const routes: LogRoutes = {
    log: { POST: log },
    models: { GET: getModels },
    modelVersion: { PUT: putModelVersion, GET: getModelVersion },
  };

  return async (event) => {
    try {
      const method = (event.requestContext?.http?.method ?? 'GET').toUpperCase();
      const path = event.rawPath ?? event.requestContext?.http?.path ?? '/';
      const { route, params } = matchRoute(path, method, routes);
      return await route(event, params);
    } catch (err) {
      const mapped = asHttpError(err);
      if (!(mapped instanceof HttpError)) logError('unhandled error in the log handler', err);
      return errorResponse(mapped);
    }
  };
}

/** Paths this handler answers, for a dispatcher in front of several handlers. */
export function isLogPath(path: string): boolean {
  const p = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return p === '/log' || p === '/models' || MODEL_PATH.test(p);
}
