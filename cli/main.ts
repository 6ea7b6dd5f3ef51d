/** Entry point of the `vigil` command (bin/vigil.mjs). */
import { runCli } from './commands.ts';

process.exitCode = await runCli(process.argv.slice(2));
