/**
 * Serves the built console at `/` (index.html) and `/app/*` (hashed modules) with a content security
 * policy that allows only its own origin. Used by `vigil serve`; on AWS CloudFront serves the files.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { HttpError } from '../lib/http/errors.ts';
import { errorResponse, type HttpApiHandler, type HttpResult } from '../lib/http/response.ts';
import { ASSET_PREFIX, CONSOLE_CSP_HEADER, type ConsoleAssets } from './build-assets.ts';

/** Security headers on every console response. */
export const CONSOLE_HEADERS: Record<string, string> = {
  'content-security-policy': CONSOLE_CSP_HEADER,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

export function isConsoleAssetPath(path: string): boolean {
  return path === '/' || path === '/index.html' || path === '/config.json' || path.startsWith(ASSET_PREFIX);
}

function acceptsGzip(event: APIGatewayProxyEventV2): boolean {
  const header = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === 'accept-encoding');
  return /\bgzip\b/.test(header?.[1] ?? '');
}

/** `load` builds or reads the assets; it is called per request and should cache. */
export function makeConsoleAssetsHandler(load: () => Promise<ConsoleAssets>): HttpApiHandler {
  return async (event): Promise<HttpResult> => {
    try {
      const method = (event.requestContext?.http?.method ?? 'GET').toUpperCase();
      const raw = event.rawPath ?? '/';
      const path = raw === '/index.html' ? '/' : raw;
      if (method !== 'GET' && method !== 'HEAD')
        throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${raw}; use GET`, {
          allow: 'GET',
        });
      let assets: ConsoleAssets;
      try {
        assets = await load();
      } catch (err) {
        throw new HttpError(
          503,
          'CONSOLE_UNAVAILABLE',
          `the console could not be built (${err instanceof Error ? err.message : String(err)}); ` +
            'install the dev dependencies (npm ci) and restart vigil serve',
        );
      }
      const asset = assets.get(path);
      if (!asset) throw new HttpError(404, 'NOT_FOUND', `no console file ${raw}`);
      const gzip = acceptsGzip(event);
      const body = gzip ? asset.gzip : asset.body;
      return {
        statusCode: 200,
        headers: {
          ...CONSOLE_HEADERS,
          'content-type': asset.contentType,
          'cache-control': asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
          vary: 'accept-encoding',
          ...(gzip ? { 'content-encoding': 'gzip' } : {}),
        },
        body: Buffer.from(body).toString('base64'),
        isBase64Encoded: true,
      };
    } catch (err) {
      return errorResponse(err);
    }
  };
}
