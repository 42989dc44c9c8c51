/** Entry of the `alleycat` command: finds the sub-command in the table and runs it. */
import { COMMANDS } from './commands.js';

function usage(): string {
  const lines = COMMANDS.map((c) => `  alleycat ${c.name.padEnd(10)} ${c.summary}`);
  return ['usage: alleycat <command> [options]', '', ...lines].join('\n');
}

/** Runs `alleycat <argv>` and resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    console.error(`alleycat: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  const run = await command.load();
  return run(rest);
}
