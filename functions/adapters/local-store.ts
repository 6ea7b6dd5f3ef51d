/**
 * ObjectStore on a local directory (the default of `vigil serve`). Writes go to a temp file and are
 * renamed into place, so readers and DuckDB globs never see a half-written part file.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import {
  type Body,
  type ConditionalPutResult,
  createRecordStore,
  type ObjectStore,
  type RecordStore,
  type StoredObject,
  StoreIoError,
} from '../lib/records/store.ts';

// Both live under the root but outside every data prefix, so list() and DuckDB globs skip them.
const TMP_DIR = '.vigil-tmp';
const LOCK_DIR = '.vigil-locks';
const LOCK_WAIT_MS = 2_000;
// A lock older than this was left by a crashed writer (a locked write takes milliseconds).
const STALE_LOCK_MS = 30_000;
// A temp file older than this was left by a failed or killed writer (a write takes milliseconds).
const STALE_TMP_MS = 10 * 60_000;

export interface LocalStoreOptions {
  /** Temp files older than this are removed by the first write of the store. @default 10 minutes */
  staleTempMs?: number;
  /** Opens temp files for writing; a seam for tests of failing disks. @default fs/promises open */
  openFile?: typeof open;
}

const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');
const toBytes = (body: Body) => (typeof body === 'string' ? new TextEncoder().encode(body) : body);
const isMissing = (e: unknown) => (e as NodeJS.ErrnoException).code === 'ENOENT';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class LocalObjectStore implements ObjectStore {
  readonly conditionalWrites = 'enforced' as const;

  private sweep: Promise<void> | null = null;

  constructor(
    readonly root: string,
    private readonly options: LocalStoreOptions = {},
  ) {}

  /** Removes temp files that a failed or killed writer left behind; returns how many. */
  async sweepStaleTempFiles(maxAgeMs = this.options.staleTempMs ?? STALE_TMP_MS): Promise<number> {
    const dir = join(this.root, TMP_DIR);
    const names = await readdir(dir).catch(() => [] as string[]);
    let removed = 0;
    for (const name of names) {
      const file = join(dir, name);
      const age = await stat(file).then(
        (s) => Date.now() - s.mtimeMs,
        () => -1,
      );
      if (age > maxAgeMs) {
        await rm(file, { force: true });
        removed++;
      }
    }
    return removed;
  }

  localPath(key: string): string {
    if (
      key === '' ||
      key.startsWith('/') ||
      key.includes('\\') ||
      key.split('/').some((p) => p === '..' || p === '.')
    ) {
      throw new StoreIoError(
        'resolve',
        key,
        new Error('keys must be relative paths without "." or ".." parts'),
      );
    }
    if (key.startsWith(`${TMP_DIR}/`) || key.startsWith(`${LOCK_DIR}/`)) {
      throw new StoreIoError('resolve', key, new Error('reserved prefix'));
    }
    return join(this.root, ...key.split('/'));
  }

  /** Directories this store made; an hour's partition is made once, not on every request. */
  private readonly madeDirs = new Set<string>();

  private async ensureDir(dir: string): Promise<void> {
    if (this.madeDirs.has(dir)) return;
    await mkdir(dir, { recursive: true });
    this.madeDirs.add(dir);
  }

  private async writeAtomic(key: string, bytes: Uint8Array): Promise<void> {
    try {
      await this.writeOnce(key, bytes);
    } catch (e) {
      if (!isMissing(e)) throw e;
      // A directory was removed behind our back (e.g. the data dir was cleared): make them again once.
      this.madeDirs.clear();
      await this.writeOnce(key, bytes);
    }
  }

  private async writeOnce(key: string, bytes: Uint8Array): Promise<void> {
    const target = this.localPath(key);
    const tmp = join(this.root, TMP_DIR, `${randomBytes(12).toString('hex')}.tmp`);
    await this.ensureDir(dirname(tmp));
    await this.ensureDir(dirname(target));
    // Once per store: what earlier (killed) writers left in the temp folder goes.
    this.sweep ??= this.sweepStaleTempFiles().then(
      () => undefined,
      () => undefined,
    );
    await this.sweep;
    try {
      // fsync before rename: a rename that survives a crash must point at complete bytes.
      const fh = await (this.options.openFile ?? open)(tmp, 'w');
      try {
        await fh.writeFile(bytes);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, target);
    } catch (e) {
      // A failed write (disk full, a vanished directory) must not leave its partial temp file.
      await rm(tmp, { force: true });
      throw e;
    }
  }

  async putObject(key: string, body: Body, _contentType?: string): Promise<{ etag: string }> {
    const bytes = toBytes(body);
    try {
      await this.writeAtomic(key, bytes);
    } catch (e) {
      throw e instanceof StoreIoError ? e : new StoreIoError('put', key, e);
    }
    return { etag: md5(bytes) };
  }

  async getObject(key: string): Promise<Uint8Array | null> {
    return (await this.getObjectWithEtag(key))?.body ?? null;
  }

  async getObjectWithEtag(key: string): Promise<StoredObject | null> {
    try {
      const body = new Uint8Array(await readFile(this.localPath(key)));
      return { body, etag: md5(body) };
    } catch (e) {
      if (isMissing(e)) return null;
      throw e instanceof StoreIoError ? e : new StoreIoError('get', key, e);
    }
  }

  async list(prefix: string): Promise<string[]> {
    // Start the walk at the deepest directory the prefix names, not at the root.
    const slash = prefix.lastIndexOf('/');
    const baseKey = slash >= 0 ? prefix.slice(0, slash) : '';
    const baseDir = baseKey ? this.localPath(baseKey) : this.root;
    const out: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries: import('node:fs').Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (e) {
        if (isMissing(e) || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return;
        throw new StoreIoError('list', prefix, e);
      }
      for (const entry of entries) {
        const full = join(dir, entry.name);
        const key = relative(this.root, full).split(sep).join('/');
        if (key === TMP_DIR || key === LOCK_DIR) continue;
        if (entry.isDirectory()) {
          if (key.startsWith(prefix) || prefix.startsWith(`${key}/`)) await walk(full);
        } else if (key.startsWith(prefix)) {
          out.push(key);
        }
      }
    };
    await walk(baseDir);
    return out.sort();
  }

  async delete(key: string): Promise<void> {
    try {
      await unlink(this.localPath(key));
    } catch (e) {
      if (!isMissing(e)) throw e instanceof StoreIoError ? e : new StoreIoError('delete', key, e);
    }
  }

  /** Compare-and-swap under an O_EXCL lock file, so concurrent processes on one disk serialise. */
  async putObjectIfMatch(
    key: string,
    body: Body,
    expectedEtag: string | null,
    _contentType?: string,
  ): Promise<ConditionalPutResult> {
    const lock = join(this.root, LOCK_DIR, `${createHash('sha256').update(key).digest('hex')}.lock`);
    await mkdir(dirname(lock), { recursive: true });
    const release = await this.acquire(lock, key);
    if (!release) return { ok: false, reason: 'conflict' };
    try {
      const current = await this.getObjectWithEtag(key);
      if ((current?.etag ?? null) !== expectedEtag) return { ok: false, reason: 'conflict' };
      return { ok: true, etag: (await this.putObject(key, body)).etag };
    } finally {
      await release();
    }
  }

  private async acquire(lock: string, key: string): Promise<(() => Promise<void>) | null> {
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        await writeFile(lock, String(process.pid), { flag: 'wx' });
        return () => rm(lock, { force: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new StoreIoError('lock', key, e);
      }
      const age = await stat(lock).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > STALE_LOCK_MS) await rm(lock, { force: true });
      // Waiting longer than a locked write takes means heavy contention: report a conflict to retry.
      else if (Date.now() > deadline) return null;
      else await sleep(5 + Math.random() * 10);
    }
  }
}

/** The default store of `vigil serve`: the prediction log under a local directory. */
export function createLocalStore(root: string, options: LocalStoreOptions = {}): RecordStore {
  return createRecordStore(new LocalObjectStore(root, options), {
    now: Date.now,
    randomBytes: (n) => randomBytes(n),
  });
}
