import { describe, expect, it } from 'vitest';
import { readJsonBody } from '../../../functions/lib/http/body.ts';
import { toHttpApiEvent } from '../../../functions/lib/http/event.ts';

const base = { requestId: 'req-1', nowMs: Date.parse('2026-11-29T08:00:00Z') };

describe('toHttpApiEvent', () => {
  it('maps a node request onto a payload v2 event', () => {
    const event = toHttpApiEvent({
      ...base,
      method: 'post',
      url: '/predict?debug=1&x=a&x=b',
      headers: { 'Content-Type': 'application/json', 'X-Multi': ['a', 'b'], host: '127.0.0.1:3000' },
      body: Buffer.from('{"text":"hi"}'),
    });
    expect(event.version).toBe('2.0');
    expect(event.rawPath).toBe('/predict');
    expect(event.rawQueryString).toBe('debug=1&x=a&x=b');
    expect(event.queryStringParameters).toEqual({ debug: '1', x: 'a,b' });
    expect(event.requestContext.http.method).toBe('POST');
    expect(event.requestContext.http.path).toBe('/predict');
    expect(event.requestContext.requestId).toBe('req-1');
    expect(event.requestContext.timeEpoch).toBe(base.nowMs);
    expect(event.headers).toEqual({
      'content-type': 'application/json',
      'x-multi': 'a,b',
      host: '127.0.0.1:3000',
    });
    expect(event.body).toBe('{"text":"hi"}');
    expect(event.isBase64Encoded).toBe(false);
  });

  it('base64-encodes a body that is not valid UTF-8 and it still decodes to the same bytes', () => {
    const bytes = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    const event = toHttpApiEvent({ ...base, method: 'POST', url: '/predict', headers: {}, body: bytes });
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body ?? '', 'base64')).toEqual(bytes);
  });

  it('leaves body undefined for an empty request body', () => {
    const event = toHttpApiEvent({
      ...base,
      method: 'GET',
      url: '/health',
      headers: {},
      body: Buffer.alloc(0),
    });
    expect(event.body).toBeUndefined();
    expect(event.queryStringParameters).toBeUndefined();
  });

  it('round-trips UTF-8 JSON through readJsonBody', () => {
    const payload = { text: 'naïve 😀 日本' };
    const event = toHttpApiEvent({
      ...base,
      method: 'POST',
      url: '/predict',
      headers: {},
      body: Buffer.from(JSON.stringify(payload)),
    });
    expect(readJsonBody(event)).toEqual(payload);
  });
});
