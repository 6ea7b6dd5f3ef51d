import { gunzipSync } from 'node:zlib';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { makeConsoleAssetsHandler } from '../../../functions/console/assets-handler.ts';
import {
  buildConsoleAssets,
  CONSOLE_CSP,
  type ConsoleAssets,
} from '../../../functions/console/build-assets.ts';

function event(method: string, path: string, headers: Record<string, string> = {}): APIGatewayProxyEventV2 {
  return {
    rawPath: path,
    headers,
    requestContext: { http: { method, path } },
  } as unknown as APIGatewayProxyEventV2;
}

describe('the console build', () => {
  it('emits index.html naming its hashed script and style, and keeps charts out of the first load', async () => {
    const assets = await buildConsoleAssets();
    const index = new TextDecoder().decode(assets.get('/')?.body);
    const script = /<script type="module" src="(\/app\/main-[A-Z0-9]+\.js)">/.exec(index)?.[1];
    const style = /<link rel="stylesheet" href="(\/app\/main-[A-Z0-9]+\.css)">/.exec(index)?.[1];
    expect(script && assets.has(script)).toBe(true);
    expect(style && assets.has(style)).toBe(true);
    expect(index).toContain(`content="${CONSOLE_CSP}"`);
    // ECharts lives in a chunk of its own that the entry only imports dynamically.
    const main = new TextDecoder().decode(assets.get(script as string)?.body);
    const staticImports = [
      ...main.matchAll(/import\s*(?:[^()'"]*?from\s*)?"\.\/(chunk-[A-Z0-9]+\.js)"/g),
    ].map((m) => m[1]);
    const echartsChunk = [...assets].find(([, a]) =>
      new TextDecoder().decode(a.body).includes('echarts'),
    )?.[0];
    expect(echartsChunk).toBeDefined();
    expect(staticImports.length).toBeGreaterThan(0);
    expect(staticImports.map((c) => `/app/${c}`)).not.toContain(echartsChunk);
  });
});

describe('the console assets handler', () => {
  const assets: ConsoleAssets = new Map([
    [
      '/',
      {
        body: new TextEncoder().encode('<html>'),
        gzip: new Uint8Array([1]),
        contentType: 'text/html; charset=utf-8',
        immutable: false,
      },
    ],
  ]);

  it('serves index.html with the security headers, gzip when accepted, and no caching', async () => {
    const { gzipSync } = await import('node:zlib');
    const body = new TextEncoder().encode('<html>');
    const handler = makeConsoleAssetsHandler(
      async () =>
        new Map([
          ['/', { body, gzip: gzipSync(body), contentType: 'text/html; charset=utf-8', immutable: false }],
        ]),
    );
    const plain = await handler(event('GET', '/'));
    expect(plain.statusCode).toBe(200);
    expect(Buffer.from(plain.body, 'base64').toString()).toBe('<html>');
    expect(plain.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      'content-security-policy': `${CONSOLE_CSP}; frame-ancestors 'none'`,
    });
    const zipped = await handler(event('GET', '/index.html', { 'accept-encoding': 'gzip, br' }));
    expect(zipped.headers?.['content-encoding']).toBe('gzip');
    expect(gunzipSync(Buffer.from(zipped.body, 'base64')).toString()).toBe('<html>');
  });

  it('answers 404 for an unknown file, 405 for a POST, 503 when the build failed', async () => {
    const handler = makeConsoleAssetsHandler(async () => assets);
    const missing = await handler(event('GET', '/app/nope.js'));
    expect(missing.statusCode).toBe(404);
    expect(JSON.parse(missing.body).error.code).toBe('NOT_FOUND');
    const post = await handler(event('POST', '/'));
    expect(post.statusCode).toBe(405);
    expect(post.headers?.allow).toBe('GET');
    const broken = makeConsoleAssetsHandler(async () => {
      throw new Error("Cannot find package 'esbuild'");
    });
    const unavailable = await broken(event('GET', '/'));
    expect(unavailable.statusCode).toBe(503);
    expect(JSON.parse(unavailable.body).error).toMatchObject({ code: 'CONSOLE_UNAVAILABLE' });
    expect(JSON.parse(unavailable.body).error.message).toContain("Cannot find package 'esbuild'");
  });
});
