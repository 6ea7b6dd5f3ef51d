/**
 * The local HTTP server's own guards (issue 15, defects 6, 7, 10): HEAD, cross-site requests, bodies
 * that are not JSON, and a client that hangs up mid-body.
 */
import type { Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createHttpApiServer,
  type HttpServerCounters,
  newHttpServerCounters,
} from '../../../cli/http-server.ts';
import { makeDashboardHandler } from '../../../cli/serve.ts';
import { jsonResponse } from '../../../functions/lib/http/response.ts';

const REPORT = '<!doctype html><title>report</title><p>ünïcode body</p>';

interface Harness {
  url: string;
  port: number;
  host: string;
  events: APIGatewayProxyEventV2[];
  lines: string[];
  counters: HttpServerCounters;
}

let server: Server | undefined;

afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

async function start(): Promise<Harness> {
  const events: APIGatewayProxyEventV2[] = [];
  const lines: string[] = [];
  const counters = newHttpServerCounters();
  const dashboard = makeDashboardHandler(
    { getObject: async () => new TextEncoder().encode(REPORT) },
    { name: 'm', version: '1' },
  );
  server = createHttpApiServer({
    counters,
    log: (l) => lines.push(l),
    dispatch: async (event) => {
      events.push(event);
      if (event.rawPath === '/dashboard') return dashboard(event);
      if (event.rawPath === '/health' && event.requestContext.http.method === 'GET')
        return jsonResponse(200, { status: 'ok' });
      if (event.rawPath === '/predict' && event.requestContext.http.method === 'POST')
        return jsonResponse(200, { echoed: event.body });
      return jsonResponse(405, { error: { code: 'METHOD_NOT_ALLOWED', message: 'no' } });
    },
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, port, host: `127.0.0.1:${port}`, events, lines, counters };
}

describe('HEAD (defect 7)', () => {
  it('answers HEAD /health like GET, without a body', async () => {
    const h = await start();
    const get = await fetch(`${h.url}/health`);
    const head = await fetch(`${h.url}/health`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(get.headers.get('content-length'));
    expect(await head.text()).toBe('');
  });

  it('gives HEAD /dashboard the content-length of the GET', async () => {
    const h = await start();
    const get = await fetch(`${h.url}/dashboard`);
    const head = await fetch(`${h.url}/dashboard`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBe(Buffer.byteLength(REPORT));
    expect(head.headers.get('content-length')).toBe(get.headers.get('content-length'));
    expect(head.headers.get('content-type')).toContain('text/html');
  });
});

describe('cross-site requests (defect 10)', () => {
  it('answers 415 UNSUPPORTED_MEDIA_TYPE to a text/plain POST and never runs the handler', async () => {
    const h = await start();
    const res = await fetch(`${h.url}/predict`, { method: 'POST', body: '{"text":"hi"}' });
    expect(res.status).toBe(415);
    expect((await res.json()).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const none = await fetch(`${h.url}/predict`, {
      method: 'PUT',
      body: new Uint8Array([1, 2]),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(none.status).toBe(415);
    expect(h.events).toHaveLength(0);
  });

  it('accepts application/json with parameters', async () => {
    const h = await start();
    const res = await fetch(`${h.url}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'Application/JSON; charset=utf-8' },
      body: '{"text":"hi"}',
    });
    expect(res.status).toBe(200);
    expect((await res.json()).echoed).toBe('{"text":"hi"}');
  });

  it('refuses a foreign Origin with 403 FORBIDDEN_ORIGIN on every method, and allows its own', async () => {
    const h = await start();
    for (const origin of ['http://evil.example', 'null', `http://${h.host}.evil.example`]) {
      const post = await fetch(`${h.url}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin },
        body: '{}',
      });
      expect(post.status).toBe(403);
      expect((await post.json()).error.code).toBe('FORBIDDEN_ORIGIN');
    }
    const get = await fetch(`${h.url}/dashboard`, { headers: { origin: 'http://evil.example' } });
    expect(get.status).toBe(403);
    expect(h.events).toHaveLength(0);
    const own = await fetch(`${h.url}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: h.url },
      body: '{}',
    });
    expect(own.status).toBe(200);
  });
});

describe('body limits', () => {
  it('reads up to 5 MB for POST /log (1000 records of embeddings) and 1 MB elsewhere', async () => {
    const h = await start();
    const body = JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) });
    const headers = { 'content-type': 'application/json' };
    const predict = await fetch(`${h.url}/predict`, { method: 'POST', headers, body });
    expect(predict.status).toBe(413);
    expect((await predict.json()).error.code).toBe('PAYLOAD_TOO_LARGE');
    await fetch(`${h.url}/log`, { method: 'POST', headers, body });
    expect(h.events.map((e) => [e.rawPath, e.body?.length])).toEqual([['/log', body.length]]);
  });
});

describe('a client that hangs up mid-body (defect 6)', () => {
  it('is counted as a client abort, not a 500, and reaches no handler', async () => {
    // Prepare
    const h = await start();
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    // Act: announce 1000 bytes, send 10, then reset the connection.
    await new Promise<void>((resolve) => {
      const socket = connect(h.port, '127.0.0.1', () => {
        socket.write(
          'POST /predict HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"text":"a',
        );
        setTimeout(() => socket.resetAndDestroy(), 50);
      });
      socket.on('close', () => resolve());
      socket.on('error', () => undefined);
    });
    await vi.waitFor(() => expect(h.counters.clientAborts).toBe(1));
    // Assess
    expect(h.counters.serverErrors).toBe(0);
    expect(h.counters.answered).toBe(0);
    expect(h.events).toHaveLength(0);
    expect(errors).not.toHaveBeenCalled();
    expect(h.lines).toEqual([expect.stringMatching(/^POST \/predict client-closed \d+\.\dms$/)]);
    errors.mockRestore();
  });
});
