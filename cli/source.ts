/**
 * `vigil source test <model> <version>`: connects to the model version's source, checks every mapped
 * column and its type against the source's schema, reads a few rows through the mapping and prints
 * what it found. Exit 0 when the source can be monitored, 1 with the error's code when not.
 */
import { parseArgs } from 'node:util';
import type { ModelVersion } from '../functions/lib/models/model-version.ts';
import type { ColumnInfo, ReadPlan } from '../functions/lib/sources/columns.ts';
import type { SourceInspection } from '../functions/lib/sources/port.ts';
import { type CliCommand, defineCommand, errorLine, UsageError } from './commands.ts';

const USAGE = `usage: vigil source test <model> <version> [options]

  --data-dir DIR       where the model version is declared (default .vigil)
  --rows N             rows to read through the mapping (default 10)
  --s3-endpoint URL    S3-compatible endpoint (path-style) for an s3:// source, e.g. a local S3 server
  -h, --help           show this help`;

export interface SourceTestOptions {
  name: string;
  version: string;
  dataDir: string;
  rows: number;
  s3Endpoint?: string;
}

export function parseSourceArgs(argv: string[]): SourceTestOptions | 'help' {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string', default: '.vigil' },
      rows: { type: 'string', default: '10' },
      's3-endpoint': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  const [action, name, version, ...rest] = positionals;
  if (action !== 'test')
    throw new UsageError('the only action is `test`: vigil source test <model> <version>');
  if (!name || !version || rest.length > 0) throw new UsageError('give the model name and version');
  const rows = Number(values.rows);
  if (!Number.isInteger(rows) || rows < 1 || rows > 1000)
    throw new UsageError('--rows must be an integer from 1 to 1000');
  return { name, version, dataDir: values['data-dir'], rows, s3Endpoint: values['s3-endpoint'] };
}

function roles(plan: ReadPlan): [string, string][] {
  const out: [string, string][] = [
    ['id', plan.id],
    ['timestamp', plan.timestamp.column],
    ['label', plan.label.column],
    [
      'embedding',
      plan.embedding.kind === 'list'
        ? plan.embedding.column
        : `${plan.embedding.columns[0]} … ${plan.embedding.columns.at(-1)} (${plan.embedding.columns.length} columns)`,
    ],
  ];
  if (plan.text) out.push(['text', plan.text]);
  if (plan.score) out.push(['score', plan.score]);
  if (plan.probabilities) out.push(['probabilities', plan.probabilities]);
  for (const f of plan.fields) out.push([`fields.${f.field}`, f.column]);
  return out;
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The inspection as lines a person reads. */
export function formatInspection(model: ModelVersion, found: SourceInspection): string[] {
  const types = new Map<string, ColumnInfo>(found.columns.map((c) => [c.name, c]));
  const typeOf = (column: string) => types.get(column.split(' ')[0])?.type ?? '?';
  const lines = [
    `source: ${found.source}`,
    ...found.notes.map((n) => `  ${n}`),
    '',
    'mapping (all columns found, types fit):',
  ];
  for (const [role, column] of roles(found.plan))
    lines.push(`  ${role.padEnd(16)} ${column.padEnd(28)} ${typeOf(column)}`);
  if (found.plan.label.coded) lines.push('  labels are integer codes, mapped to names');
  lines.push('', `first ${found.sample.length} rows (embedding_dim ${model.embedding_dim}):`);
  for (const r of found.sample) {
    const e = Array.from(r.embedding)
      .slice(0, 3)
      .map((v) => v.toFixed(4))
      .join(', ');
    const fields = r.fields && typeof r.fields === 'object' ? ` ${JSON.stringify(r.fields)}` : '';
    const text = r.text !== null ? ` ${JSON.stringify(clip(r.text, 40))}` : '';
    lines.push(`  ${clip(r.id, 36)}  ${r.label}  score=${r.score ?? 'null'}  [${e}, …]${text}${fields}`);
  }
  return lines;
}

export const sourceCommand: CliCommand = defineCommand({
  usage: USAGE,
  parse: parseSourceArgs,
  async execute(options) {
    try {
      const { createLocalStore } = await import('../functions/adapters/local-store.ts');
      const { readModelVersion } = await import('../functions/lib/models/registry.ts');
      const { connectedSourceFor } = await import('../functions/adapters/connected-source.ts');
      const { localSourceClients } = await import('./source-clients.ts');
      const model = await readModelVersion(createLocalStore(options.dataDir), options.name, options.version);
      if (!model) {
        console.error(
          `error MODEL_NOT_FOUND: no model version ${options.name}@${options.version} in ${options.dataDir}`,
        );
        return 1;
      }
      const source = await connectedSourceFor(model, localSourceClients({ s3Endpoint: options.s3Endpoint }));
      if (!source) {
        console.error(
          `error NO_SOURCE: ${options.name}@${options.version} reads Vigil's log; it declares no source`,
        );
        return 1;
      }
      const found = await source.inspect(options.rows);
      for (const line of formatInspection(model, found)) console.log(line);
      console.log('\nok: the source can be monitored');
      return 0;
    } catch (e) {
      const where = (e as { column?: string; connection?: string }) ?? {};
      console.error(errorLine(e));
      if (where.column) console.error(`column: ${where.column}`);
      if (where.connection) console.error(`connection: ${where.connection}`);
      return 1;
    }
  },
});
