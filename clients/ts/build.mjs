#!/usr/bin/env node
// Builds `vigil/client` for Node: one ESM bundle (AWS SDK parts stay external, loaded only for SigV4)
// plus its .d.ts files, into clients/ts/dist (not committed; `npm install`/`npm pack` run this).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
rmSync(join(here, 'dist'), { recursive: true, force: true });
await build({
  entryPoints: [join(here, 'src/index.ts')],
  outfile: join(here, 'dist/index.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(here, 'tsconfig.json')], { stdio: 'inherit' });
// tsc keeps the source's `./x.ts` specifiers in declarations; a consumer resolves `./x.js` to `./x.d.ts`.
for (const f of readdirSync(join(here, 'dist')).filter((n) => n.endsWith('.d.ts'))) {
  const p = join(here, 'dist', f);
  writeFileSync(p, readFileSync(p, 'utf8').replace(/(from '\.\/[\w-]+)\.ts'/g, "$1.js'"));
}
