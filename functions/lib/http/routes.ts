/** Picks the route of an HTTP API event: 404 for unknown paths, 405 (with Allow) for other methods. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { HttpError } from './errors.ts';

export type RouteTable<T> = Record<string, Partial<Record<string, T>>>;

export function selectRoute<T>(event: APIGatewayProxyEventV2, routes: RouteTable<T>): T {
  const path = event.rawPath ?? event.requestContext?.http?.path ?? '/';
  // A trailing slash is the same resource; API Gateway would not route it otherwise.
  const normalized = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  const byMethod = Object.hasOwn(routes, normalized) ? routes[normalized] : undefined;
  if (!byMethod) throw new HttpError(404, 'NOT_FOUND', `no route for ${path}`);
  const method = (event.requestContext?.http?.method ?? 'GET').toUpperCase();
  const route = byMethod[method];
  if (route === undefined) {
    const allow = Object.keys(byMethod).join(', ');
    throw new HttpError(
      405,
      'METHOD_NOT_ALLOWED',
      `${method} is not allowed on ${normalized}; use ${allow}`,
      {
        allow,
      },
    );
  }
  return route;
}
