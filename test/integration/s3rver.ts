/**
 * Starts a real s3rver on 127.0.0.1 in a temp directory for the S3 adapter's tests, and builds an SDK
 * client configured the way a local S3 endpoint needs (path style, checksums only when required).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
// @ts-expect-error s3rver ships no type declarations.
import S3rver from 's3rver';

export interface LocalS3 {
  readonly endpoint: string;
  readonly port: number;
  readonly directory: string;
  readonly bucket: string;
  client(maxAttempts?: number): S3Client;
  /** Drops every connection at once, like a crashed server; objects stay on disk. */
  kill(): Promise<void>;
  /** Starts a server again on the same port over the same directory. */
  restart(): Promise<void>;
  /** Kills the server and removes its directory. */
  dispose(): Promise<void>;
}

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  httpServer?: Server;
}

async function start(
  directory: string,
  bucket: string,
  port: number,
): Promise<S3rverInstance & { port: number }> {
  const server = new S3rver({
    address: '127.0.0.1',
    port,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [] }],
  }) as S3rverInstance;
  const address = await server.run();
  return Object.assign(server, { port: address.port });
}

export async function startLocalS3(bucket = 'vigil-test'): Promise<LocalS3> {
  const directory = await mkdtemp(join(tmpdir(), 'vigil-s3rver-'));
  let server: (S3rverInstance & { port: number }) | null = await start(directory, bucket, 0);
  const port = server.port;
  const endpoint = `http://127.0.0.1:${port}`;
  const kill = async () => {
    const s = server;
    server = null;
    if (!s?.httpServer) return;
    const closed = s.close();
    s.httpServer.closeAllConnections();
    await closed;
  };
  return {
    endpoint,
    port,
    directory,
    bucket,
    client: (maxAttempts = 3) =>
      new S3Client({
        endpoint,
        region: 'us-east-1',
        forcePathStyle: true,
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
        maxAttempts,
      }),
    kill,
    async restart() {
      await kill();
      server = await start(directory, bucket, port);
    },
    async dispose() {
      await kill();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
