/**
 * What a command does with its parsed command line (a parser's answer: the
 * arguments, 'help', or a string that says what is wrong): help goes to
 * stdout with exit code 0, a wrong command line to stderr with the usage and
 * exit code 2, and anything else is run.
 */

/** The arguments to run with, or the exit code after printing help or the error. */
export function commandLine<T extends object>(
  command: string,
  parsed: T | string,
  usage: string,
): { args: T } | { exit: number } {
  if (parsed === 'help') {
    console.log(usage);
    return { exit: 0 };
  }
  if (typeof parsed === 'string') {
    console.error(`alleycat ${command}: ${parsed}\n\n${usage}`);
    return { exit: 2 };
  }
  return { args: parsed };
}
