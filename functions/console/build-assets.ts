/**
 * Builds the console app (functions/console/app) into static assets with esbuild: content-hashed
 * ES modules split per page (the models page loads no chart library), one stylesheet, index.html.
 * `vigil serve` builds in memory at start; the CDK construct writes the same files for S3.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { BuildOptions, BuildResult, OutputFile } from 'esbuild';

export const APP_DIR = resolve(import.meta.dirname, 'app');
/** URL prefix of the built files; index.html is served at `/`. */
export const ASSET_PREFIX = '/app/';

/** Only the console's own origin: scripts, styles, data and images all come from it. */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/** The header form adds what a <meta> policy cannot say (framing). */
export const CONSOLE_CSP_HEADER = `${CONSOLE_CSP}; frame-ancestors 'none'`;

export interface ConsoleAsset {
  body: Uint8Array;
  /** The same bytes gzip-compressed, for clients that accept it. */
  gzip: Uint8Array;
  contentType: string;
  /** Content-hashed names never change: cache them for good. */
  immutable: boolean;
}

/** Path (`/`, `/app/main-XXXX.js`, …) to file. */
export type ConsoleAssets = Map<string, ConsoleAsset>;

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

function typeOf(path: string): string {
  const dot = path.lastIndexOf('.');
  return (dot >= 0 && TYPES[path.slice(dot)]) || 'application/octet-stream';
}

function buildOptions(): BuildOptions {
  return {
    entryPoints: { main: join(APP_DIR, 'main.ts') },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    sourcemap: false,
    write: false,
    metafile: true,
    outdir: '/virtual/app',
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    assetNames: '[name]-[hash]',
    loader: { '.svg': 'file', '.woff2': 'file', '.png': 'file' },
    legalComments: 'none',
    logLevel: 'silent',
  };
}

function indexHtml(script: string, style: string | null): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="${CONSOLE_CSP}">`,
    '<title>Vigil console</title>',
    style ? `<link rel="stylesheet" href="${style}">` : '',
    `<script type="module" src="${script}"></script>`,
    '</head>',
    '<body><div id="app" aria-live="polite"></div></body>',
    '</html>',
    '',
  ]
    .filter((l) => l !== '')
    .join('\n');
}

function collect(result: BuildResult & { outputFiles: OutputFile[] }): ConsoleAssets {
  const assets: ConsoleAssets = new Map();
  let script = '';
  let style: string | null = null;
  const add = (path: string, body: Uint8Array, immutable: boolean) =>
    assets.set(path, {
      body,
      gzip: gzipSync(body, { level: 9 }),
      contentType: typeOf(path === '/' ? '/index.html' : path),
      immutable,
    });
  for (const file of result.outputFiles) {
    const name = file.path.slice(file.path.lastIndexOf('/') + 1);
    const url = `${ASSET_PREFIX}${name}`;
    add(url, file.contents, true);
    if (/^main-[^.]+\.js$/.test(name)) script = url;
    if (/^main-[^.]+\.css$/.test(name)) style = url;
  }
  if (!script) throw new Error('console build produced no main script');
  add('/', new TextEncoder().encode(indexHtml(script, style)), false);
  add('/config.json', new TextEncoder().encode('{"auth":null}\n'), false);
  return assets;
}

let cached: Promise<ConsoleAssets> | undefined;

/** Builds once per process; a failed build is retried by the next call. */
export function buildConsoleAssets(): Promise<ConsoleAssets> {
  cached ??= import('esbuild')
    .then(async (esbuild) =>
      collect((await esbuild.build(buildOptions())) as BuildResult & { outputFiles: OutputFile[] }),
    )
    .catch((err: unknown) => {
      cached = undefined;
      throw err;
    });
  return cached;
}

/**
 * Writes the build to `outDir` (index.html at its root, modules under app/) for S3. `config` becomes
 * config.json (sign-in settings on AWS) and `csp` replaces the page's policy (it must let the app
 * reach the sign-in domain).
 */
export async function writeConsoleAssets(
  outDir: string,
  options: { config?: unknown | null; csp?: string; metaCsp?: boolean } = {},
): Promise<string[]> {
  const assets = await buildConsoleAssets();
  const written: string[] = [];
  for (const [path, asset] of assets) {
    const rel = path === '/' ? 'index.html' : path.slice(1);
    // null: the deployment writes its own config.json (sign-in settings known only at deploy time).
    if (rel === 'config.json' && options.config === null) continue;
    const file = join(outDir, rel);
    mkdirSync(dirname(file), { recursive: true });
    let body: Uint8Array | string = asset.body;
    if (rel === 'config.json' && options.config !== undefined) body = `${JSON.stringify(options.config)}\n`;
    if (rel === 'index.html' && options.csp)
      body = new TextDecoder().decode(asset.body).replace(CONSOLE_CSP, options.csp);
    if (rel === 'index.html' && options.metaCsp === false)
      body = new TextDecoder()
        .decode(asset.body)
        .replace(/<meta http-equiv="Content-Security-Policy"[^>]*>\n/, '');
    writeFileSync(file, body);
    written.push(rel);
  }
  return written;
}
