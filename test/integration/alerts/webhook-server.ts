// A real HTTP server on 127.0.0.1 that answers from a script and records what it was sent.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedPost {
  path: string;
  contentType: string | undefined;
  body: unknown;
  at: number;
}

export interface WebhookServer {
  url: string;
  received: ReceivedPost[];
  /** Statuses for the next requests, in order; 200 once the script runs out. */
  script: number[];
  close(): Promise<void>;
}

export async function startWebhookServer(): Promise<WebhookServer> {
  const received: ReceivedPost[] = [];
  const script: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        path: req.url ?? '',
        contentType: req.headers['content-type'],
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
        at: Date.now(),
      });
      const status = script.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status === 200 ? 'ok' : 'server_error');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/services/T0/B0/s3cr3t`,
    received,
    script,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
