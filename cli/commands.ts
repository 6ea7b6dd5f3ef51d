/**
 * The `vigil` command table and dispatcher. A command is one entry here plus its own module, loaded
 * only when it runs so `vigil --help` stays fast (no ONNX Runtime, no AWS SDK).
 */

export interface CliCommand {
  /** Runs with the arguments after the command name; resolves to the process exit code. */
  run(argv: string[]): Promise<number>;
}

/** A mistake in the command line: the command prints it with its usage and exits 2. */
export class UsageError extends Error {
  readonly code = 'USAGE';
}

/** `error CODE: message` for errors with a stable code, `error: message` otherwise. */
export function errorLine(e: unknown): string {
  const code = (e as { code?: unknown })?.code;
  const message = e instanceof Error ? e.message : String(e);
  return typeof code === 'string' && !message.startsWith(code)
    ? `error ${code}: ${message}`
    : `error: ${message}`;
}

/**
 * A command from its parser and its body: a parse error prints the message and usage (exit 2),
 * `--help` prints the usage (exit 0), anything else is the body's exit code.
 */
export function defineCommand<O>(spec: {
  usage: string;
  parse: (argv: string[]) => O | 'help';
  execute: (options: O) => Promise<number>;
}): CliCommand {
  return {
    async run(argv) {
      let options: O | 'help';
      try {
        options = spec.parse(argv);
      } catch (e) {
        console.error(`${errorLine(e)}\n\n${spec.usage}`);
        return 2;
      }
      if (options === 'help') {
        console.log(spec.usage);
        return 0;
      }
      return spec.execute(options);
    },
  };
}

export interface CommandEntry {
  name: string;
  summary: string;
  load: () => Promise<CliCommand>;
}

export const COMMANDS: CommandEntry[] = [
  {
    name: 'serve',
    summary: 'serve POST /predict, POST /feedback and GET /health on localhost, logging every prediction',
    load: async () => (await import('./serve.ts')).serveCommand,
  },
  {
    name: 'model',
    summary: 'declare a model version (labels, embedding size, fields, monitors as code) or list them',
    load: async () => (await import('./model.ts')).modelCommand,
  },
  {
    name: 'source',
    summary: "test a model version's connected source: columns, types and the first rows through the mapping",
    load: async () => (await import('./source.ts')).sourceCommand,
  },
  {
    name: 'monitor',
    summary: 'run the drift, integrity and performance checks once over the logged window and write a report',
    load: async () => (await import('./monitor.ts')).monitorCommand,
  },
  {
    name: 'baseline',
    summary: 'run the model over a .tsv or .jsonl dataset and store it as the reference of monitoring runs',
    load: async () => (await import('./baseline.ts')).baselineCommand,
  },
  {
    name: 'compact',
    summary: 'merge the per-request part files of closed hours into one Parquet file per hour',
    load: async () => (await import('./compact.ts')).compactCommand,
  },
  {
    name: 'demo',
    summary:
      'play a whole scenario locally: baseline, normal then shifted traffic, a monitoring run after each',
    load: async () => (await import('./demo.ts')).demoCommand,
  },
];

export function usage(commands: readonly CommandEntry[] = COMMANDS): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'usage: vigil <command> [options]',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `vigil <command> --help` for the options of a command.',
  ].join('\n');
}

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const consoleIo: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l) };

export async function runCli(
  argv: string[],
  commands: readonly CommandEntry[] = COMMANDS,
  io: CliIo = consoleIo,
) {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.err : io.out)(usage(commands));
    return name === undefined ? 2 : 0;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    io.err(`vigil: unknown command ${JSON.stringify(name)}\n\n${usage(commands)}`);
    return 2;
  }
  const command = await entry.load();
  return command.run(rest);
}
