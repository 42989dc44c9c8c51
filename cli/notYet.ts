import type { Command } from './types.js';

/** A command that is not built yet says so and fails; it never pretends to work. */
export function notYet(name: string, where: string): Command {
  return async () => {
    console.error(`alleycat ${name}: not implemented yet (tracked in ${where}).`);
    return 1;
  };
}
