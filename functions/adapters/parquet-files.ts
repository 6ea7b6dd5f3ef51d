/**
 * The Parquet files of a connected dataset that may hold a window: a walk of the directory tree (local
 * or S3, listed one level at a time with a delimiter) that descends only into the Hive partitions
 * overlapping the window; S3 objects are then streamed to a scratch directory a bounded number at a
 * time, since DuckDB cannot load httpfs here.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { mapConcurrent } from '../lib/records/concurrency.ts';
import { SourceUnavailableError } from '../lib/sources/errors.ts';
import { mayOverlap, partitionOf, type TimeParts, withPartition } from '../lib/sources/partitions.ts';
import { parseS3Uri } from '../lib/sources/spec.ts';

export interface DatasetFile {
  /** Path relative to the dataset root, `/`-separated (Hive directories included). */
  relative: string;
  /** Where to read it: a local path, or the S3 key. */
  location: string;
}

interface Level {
  dirs: string[];
  files: string[];
}

export interface DatasetTree {
  readonly uri: string;
  readonly remote: boolean;
  /** Children of `relative` ('' is the root): directory names and file names. */
  list(relative: string): Promise<Level>;
  location(relative: string): string;
  /** Copies a remote file to `path` (streamed). */
  fetch(relative: string, path: string): Promise<void>;
}

const isDataFile = (name: string) =>
  !name.startsWith('_') && !name.startsWith('.') && !name.endsWith('.crc') && !name.endsWith('.json');

const reason = (e: unknown) => {
  const err = e as { name?: string; code?: string; message?: string };
  return err?.name && err.name !== 'Error' ? `${err.name}: ${err.message}` : String(err?.message ?? e);
};

export function localTree(uri: string): DatasetTree {
  const root = resolve(uri);
  return {
    uri,
    remote: false,
    async list(relative) {
      const dir = join(root, ...relative.split('/').filter(Boolean));
      let entries: import('node:fs').Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (e) {
        throw new SourceUnavailableError(`parquet ${uri}`, `cannot list ${dir}: ${reason(e)}`);
      }
      const names = entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      return {
        dirs: names.filter((e) => e.isDirectory()).map((e) => e.name),
        files: names.filter((e) => e.isFile() && isDataFile(e.name)).map((e) => e.name),
      };
    },
    location: (relative) => join(root, ...relative.split('/')),
    async fetch() {
      throw new Error('a local dataset is read in place');
    },
  };
}

export function s3Tree(uri: string, client: S3Client): DatasetTree {
  const parsed = parseS3Uri(uri);
  if (!parsed) throw new Error(`${uri} is not an s3:// URI`);
  const { bucket, prefix } = parsed;
  const unavailable = (what: string, e: unknown) =>
    new SourceUnavailableError(`parquet ${uri}`, `cannot ${what} s3://${bucket}/${prefix}: ${reason(e)}`);
  return {
    uri,
    remote: true,
    async list(relative) {
      const dirs = new Set<string>();
      const files: string[] = [];
      const base = `${prefix}${relative ? `${relative}/` : ''}`;
      const pages = async (delimited: boolean) => {
        let token: string | undefined;
        do {
          let out: ListObjectsV2CommandOutput;
          try {
            out = await client.send(
              new ListObjectsV2Command({
                Bucket: bucket,
                Prefix: base,
                Delimiter: delimited ? '/' : undefined,
                ContinuationToken: token,
              }),
            );
          } catch (e) {
            throw unavailable('list', e);
          }
          for (const p of out.CommonPrefixes ?? []) if (p.Prefix) dirs.add(p.Prefix.slice(base.length, -1));
          for (const o of out.Contents ?? []) {
            const name = o.Key?.slice(base.length) ?? '';
            const slash = name.indexOf('/');
            if (slash > 0) dirs.add(name.slice(0, slash));
            else if (name && isDataFile(name)) files.push(name);
          }
          token = out.NextContinuationToken;
        } while (token);
      };
      await pages(true);
      // Some S3-compatible servers (s3rver) give no common prefixes for keys nested deeper than one
      // level; an empty level is listed again without the delimiter (on S3 itself it is just empty).
      if (dirs.size === 0 && files.length === 0) await pages(false);
      return { dirs: [...dirs].sort(), files: files.sort() };
    },
    location: (relative) => `${prefix}${relative}`,
    async fetch(relative, path) {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: `${prefix}${relative}` }));
        await mkdir(dirname(path), { recursive: true });
        await pipeline(out.Body as Readable, createWriteStream(path));
      } catch (e) {
        throw new SourceUnavailableError(
          `parquet ${uri}`,
          `cannot fetch s3://${bucket}/${prefix}${relative}: ${reason(e)}`,
        );
      }
    },
  };
}

/**
 * Data files of the dataset in path order; with `range` and a Hive layout, only under partitions that
 * may overlap it. `limit` stops the walk early (inspection reads one file).
 */
export async function findDatasetFiles(
  tree: DatasetTree,
  opts: { hive: boolean; range?: { fromMs: number; toMs: number }; limit?: number },
): Promise<DatasetFile[]> {
  const out: DatasetFile[] = [];
  const walk = async (relative: string, parts: TimeParts): Promise<void> => {
    const level = await tree.list(relative);
    const join2 = (name: string) => (relative ? `${relative}/${name}` : name);
    for (const f of level.files) {
      if (opts.limit !== undefined && out.length >= opts.limit) return;
      out.push({ relative: join2(f), location: tree.location(join2(f)) });
    }
    for (const d of level.dirs) {
      if (opts.limit !== undefined && out.length >= opts.limit) return;
      let next = parts;
      if (opts.hive) {
        const p = partitionOf(d);
        if (p) next = withPartition(parts, p.key, p.value);
        if (opts.range && !mayOverlap(next, opts.range)) continue;
      }
      await walk(join2(d), next);
    }
  };
  await walk('', {});
  return out;
}

/** Local paths of `files`: in place, or fetched into `scratch` `concurrency` at a time. */
export async function localCopies(
  tree: DatasetTree,
  files: readonly DatasetFile[],
  scratch: string,
  concurrency = 8,
): Promise<string[]> {
  if (!tree.remote) return files.map((f) => f.location);
  return mapConcurrent(files, concurrency, async (f) => {
    const path = join(scratch, ...f.relative.split('/'));
    await tree.fetch(f.relative, path);
    return path;
  });
}

/** Whether a local dataset root exists (a clear SOURCE_UNAVAILABLE before any listing). */
export async function assertLocalRoot(uri: string): Promise<void> {
  const s = await stat(resolve(uri)).catch(() => null);
  if (!s?.isDirectory())
    throw new SourceUnavailableError(`parquet ${uri}`, `${resolve(uri)} is not a directory`);
}
