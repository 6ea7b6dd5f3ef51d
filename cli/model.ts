/**
 * `vigil model create|list|show`: declare a model version (schema + monitors as code) in the data dir,
 * the same declaration PUT /models/{name}/versions/{version} stores.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { ModelVersion, SourceValidator } from '../functions/lib/models/model-version.ts';
import { parseModelVersion } from '../functions/lib/models/model-version.ts';
import {
  declareModelVersion,
  listModelVersions,
  readModelVersion,
} from '../functions/lib/models/registry.ts';
import type { ObjectStore } from '../functions/lib/records/store.ts';
import { validateSourceSpec } from '../functions/lib/sources/spec.ts';
import { type CliCommand, errorLine, UsageError } from './commands.ts';

const USAGE = `usage: vigil model <create|list|show> [options]

  vigil model create --name NAME --version V --labels A,B,C --embedding-dim N [options]
      --no-text                records carry no raw text
      --no-score               records carry no score
      --probabilities          records carry the probability of every label
      --field NAME:TYPE[:segment]   an extra field (TYPE string, number or boolean); repeatable
      --config FILE            monitors as code (JSON: thresholds, window, cooldown, channels)
      --source FILE            read the records from an existing store (JSON source spec)
  vigil model list             every declared model version
  vigil model show --name NAME --version V

  --data-dir DIR               the store (default .vigil)
  -h, --help                   show this help`;

type Parsed =
  | {
      action: 'create';
      dataDir: string;
      name: string;
      version: string;
      base: Record<string, unknown>;
      config?: string;
      source?: string;
    }
  | { action: 'list'; dataDir: string }
  | { action: 'show'; dataDir: string; name: string; version: string };

/** `language:string:segment` as a field declaration. */
export function parseFieldFlag(text: string): { name: string; type: string; segment: boolean } {
  const parts = text.split(':');
  if (parts.length < 2 || parts.length > 3 || (parts.length === 3 && parts[2] !== 'segment'))
    throw new UsageError(`--field must be NAME:TYPE or NAME:TYPE:segment, got ${JSON.stringify(text)}`);
  return { name: parts[0], type: parts[1], segment: parts[2] === 'segment' };
}

export function parseModelArgs(argv: string[]): Parsed | 'help' {
  const [action, ...rest] = argv;
  if (action === undefined || action === '-h' || action === '--help') return 'help';
  const { values } = parseArgs({
    args: rest,
    strict: true,
    allowPositionals: false,
    options: {
      name: { type: 'string' },
      version: { type: 'string' },
      labels: { type: 'string' },
      'embedding-dim': { type: 'string' },
      'no-text': { type: 'boolean', default: false },
      'no-score': { type: 'boolean', default: false },
      probabilities: { type: 'boolean', default: false },
      field: { type: 'string', multiple: true, default: [] },
      config: { type: 'string' },
      source: { type: 'string' },
      'data-dir': { type: 'string', default: '.vigil' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  const dataDir = values['data-dir'];
  if (action === 'list') return { action, dataDir };
  if (!values.name || !values.version)
    throw new UsageError(`vigil model ${action} needs --name and --version`);
  if (action === 'show') return { action, dataDir, name: values.name, version: values.version };
  if (action !== 'create')
    throw new UsageError(`unknown action ${JSON.stringify(action)}: use create, list or show`);
  if (!values.labels) throw new UsageError('--labels A,B,C is required');
  const dim = Number(values['embedding-dim']);
  if (values['embedding-dim'] === undefined) throw new UsageError('--embedding-dim N is required');
  const base: Record<string, unknown> = {
    labels: values.labels.split(',').map((l) => l.trim()),
    embedding_dim: Number.isFinite(dim) ? dim : values['embedding-dim'],
    text: !values['no-text'],
    score: !values['no-score'],
    probabilities: values.probabilities,
    fields: values.field.map(parseFieldFlag),
  };
  return {
    action: 'create',
    dataDir,
    name: values.name,
    version: values.version,
    base,
    config: values.config,
    source: values.source,
  };
}

async function readJsonFile(path: string, flag: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`${flag} ${path}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UsageError(`${flag} ${path} is not valid JSON: ${(err as Error).message}`);
  }
}

function describe(m: ModelVersion): string {
  const fields = m.fields.map((f) => `${f.name}:${f.type}${f.segment ? ':segment' : ''}`).join(' ');
  return [
    `${m.name}@${m.version}`,
    m.origin,
    `labels ${m.labels.join(',')}`,
    `dim ${m.embedding_dim}`,
    `text ${m.text ? 'yes' : 'no'}`,
    `score ${m.score ? 'yes' : 'no'}`,
    fields ? `fields ${fields}` : '',
  ]
    .filter(Boolean)
    .join('  ');
}

export interface ModelCommandDeps {
  openStore: (dataDir: string) => Promise<Pick<ObjectStore, 'getObject' | 'putObject' | 'list'>>;
  now: () => Date;
  validateSource?: SourceValidator;
  /** Refuses a reachable source whose columns do not fit the mapping; returns a note when unreachable. */
  checkSource?: (model: ModelVersion) => Promise<string | null>;
  out: (line: string) => void;
  err: (line: string) => void;
}

const defaultDeps = (): ModelCommandDeps => ({
  openStore: async (dir) => (await import('../functions/adapters/local-store.ts')).createLocalStore(dir),
  now: () => new Date(),
  validateSource: validateSourceSpec,
  checkSource: async (m) => (await import('./source-clients.ts')).checkSourceLocally(m),
  out: (l) => console.log(l),
  err: (l) => console.error(l),
});

export async function runModelCommand(
  argv: string[],
  deps: ModelCommandDeps = defaultDeps(),
): Promise<number> {
  let parsed: Parsed | 'help';
  try {
    parsed = parseModelArgs(argv);
  } catch (e) {
    deps.err(`${errorLine(e)}\n\n${USAGE}`);
    return 2;
  }
  if (parsed === 'help') {
    deps.out(USAGE);
    return 0;
  }
  try {
    const store = await deps.openStore(parsed.dataDir);
    if (parsed.action === 'list') {
      const all: ModelVersion[] = [];
      let cursor: string | null = null;
      do {
        const page = await listModelVersions(store, { cursor, limit: 1000 });
        all.push(...page.models);
        cursor = page.nextCursor;
      } while (cursor);
      if (all.length === 0) deps.out('no model versions declared yet (vigil model create, or vigil serve)');
      for (const m of all) deps.out(describe(m));
      return 0;
    }
    if (parsed.action === 'show') {
      const m = await readModelVersion(store, parsed.name, parsed.version);
      if (!m) {
        deps.err(`error MODEL_NOT_FOUND: no model version ${parsed.name}@${parsed.version}`);
        return 1;
      }
      deps.out(JSON.stringify(m, null, 2));
      return 0;
    }
    const body: Record<string, unknown> = { ...parsed.base };
    if (parsed.config) body.monitors = await readJsonFile(parsed.config, '--config');
    if (parsed.source) body.source = await readJsonFile(parsed.source, '--source');
    const model = parseModelVersion(body, {
      name: parsed.name,
      version: parsed.version,
      now: deps.now(),
      validateSource: deps.validateSource,
    });
    const note = model.source && deps.checkSource ? await deps.checkSource(model) : null;
    if (note) deps.err(`note: ${note}`);
    const { outcome } = await declareModelVersion(store, model);
    deps.out(`${outcome} ${describe(model)}`);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      deps.err(`${errorLine(e)}\n\n${USAGE}`);
      return 2;
    }
    deps.err(errorLine(e));
    return 1;
  }
}

export const modelCommand: CliCommand = { run: (argv) => runModelCommand(argv) };
