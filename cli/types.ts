/** What every `alleycat` sub-command is: parsed arguments in, exit code out. */
export type Command = (args: string[]) => Promise<number>;

/** One row of the command table: loading is deferred so a command pays only for its own imports. */
export interface CommandEntry {
  name: string;
  summary: string;
  load: () => Promise<Command>;
}
