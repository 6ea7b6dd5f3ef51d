/**
 * Starts a real PostgreSQL server (Debian's `postgresql` package) for the tests: a fresh cluster in a
 * temp directory on a free loopback port, password-authenticated over TCP, stopped and removed after.
 * The server refuses to run as root, so when the tests run as root initdb and the server run as the
 * unprivileged `postgres` user. On a machine without the package (`npm test` needs nothing outside the
 * repository; .ci/run installs it) the same wire protocol is served by PGlite — Postgres compiled to
 * WebAssembly, from npm — through @electric-sql/pglite-socket, which authenticates no password.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface LocalPostgres {
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  /** postgres://user:password@127.0.0.1:port/database */
  readonly url: string;
  /** The same server with a wrong password (authentication failure). */
  readonly badPasswordUrl: string;
  /** Debian's server checks passwords; the PGlite stand-in accepts any. */
  readonly kind: 'postgresql' | 'pglite';
  stop(): Promise<void>;
}

/**
 * A loopback listener that answers every startup message as a server refusing the password does
 * (ErrorResponse, SQLSTATE 28P01): the stand-in for Debian's password check where PGlite has none.
 */
async function startPasswordRefuser(): Promise<{ port: number; close: () => Promise<void> }> {
  const field = (type: string, value: string) =>
    Buffer.concat([Buffer.from(type), Buffer.from(value), Buffer.from([0])]);
  const fields = Buffer.concat([
    field('S', 'FATAL'),
    field('V', 'FATAL'),
    field('C', '28P01'),
    field('M', 'password authentication failed for user "postgres"'),
    Buffer.from([0]),
  ]);
  const length = Buffer.alloc(4);
  length.writeInt32BE(fields.length + 4);
  const error = Buffer.concat([Buffer.from('E'), length, fields]);
  const server = createServer((socket) => {
    socket.once('data', (startup) => {
      // An SSLRequest (code 80877103) is declined with 'N'; the startup message that follows is refused.
      if (startup.length === 8 && startup.readInt32BE(4) === 80877103) {
        socket.write('N');
        socket.once('data', () => socket.end(error));
      } else socket.end(error);
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** PGlite behind a loopback TCP socket: the pg driver and its cursors talk to it as to a server. */
async function startPgliteServer(): Promise<LocalPostgres> {
  const [{ PGlite }, { PGLiteSocketServer }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite-socket'),
  ]);
  const db = await PGlite.create();
  const port = await freePort();
  const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1', maxConnections: 16 });
  await server.start();
  const refuser = await startPasswordRefuser();
  const user = 'postgres';
  const database = 'postgres';
  const password = 'vigil-test-secret';
  let stopped = false;
  return {
    port,
    user,
    password,
    database,
    url: `postgres://${user}:${password}@127.0.0.1:${port}/${database}`,
    badPasswordUrl: `postgres://${user}:wrong-password@127.0.0.1:${refuser.port}/${database}`,
    kind: 'pglite',
    async stop() {
      if (stopped) return;
      stopped = true;
      await refuser.close();
      await server.stop();
      await db.close();
    },
  };
}

/** The directory holding initdb and pg_ctl (Debian keeps them out of PATH). */
export function postgresBinDir(): string | null {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? join(base, versions[0], 'bin') : null;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
  const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
  return { uid, gid };
}

export async function startLocalPostgres(): Promise<LocalPostgres> {
  const bin = postgresBinDir();
  if (!bin) return startPgliteServer();
  const root = process.getuid?.() === 0;
  const dir = await mkdtemp(join(tmpdir(), 'vigil-pg-'));
  const data = join(dir, 'data');
  const password = 'vigil-test-secret';
  const pwfile = join(dir, 'pwfile');
  await writeFile(pwfile, `${password}\n`);
  const as = async (cmd: string, args: string[]) =>
    root
      ? run('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args], { cwd: dir })
      : run(join(bin, cmd), args, { cwd: dir });
  if (root) {
    const { uid, gid } = await postgresIds();
    await chown(dir, uid, gid);
    await chown(pwfile, uid, gid);
  }
  await chmod(dir, 0o700);
  await as('initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth-local=trust',
    '--auth-host=scram-sha-256',
    `--pwfile=${pwfile}`,
    '--no-sync',
    '-E',
    'UTF8',
    '--locale=C',
  ]);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  await as('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']);
  const user = 'postgres';
  const database = 'postgres';
  let stopped = false;
  return {
    port,
    user,
    password,
    database,
    url: `postgres://${user}:${password}@127.0.0.1:${port}/${database}`,
    badPasswordUrl: `postgres://${user}:wrong-password@127.0.0.1:${port}/${database}`,
    kind: 'postgresql',
    async stop() {
      if (stopped) return;
      stopped = true;
      await as('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
