/**
 * Entry of the `alleycat` command (contract §5). Each sub-command lives in its
 * own module and is loaded only when asked for, so `alleycat evaluate` does not
 * pay for the local stack's imports.
 */
export type Command = (args: string[]) => Promise<number>;

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {};

/** Registers a sub-command (each command module adds itself in commands.ts). */
export function defineCommand(name: string, summary: string, load: () => Promise<Command>): void {
  COMMANDS[name] = { summary, load };
}

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  alleycat ${name.padEnd(10)} ${c.summary}`);
  return ['usage: alleycat <command> [options]', '', ...lines].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  await import('./commands.js');
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`alleycat: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  const run = await command.load();
  return run(rest);
}
