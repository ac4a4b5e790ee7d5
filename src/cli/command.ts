/** What every `pfe` subcommand module exports. */
export interface CliCommand {
  /** One line for `pfe --help`. */
  readonly summary: string;
  /** Full usage text for `pfe <name> --help`. */
  readonly usage: string;
  /** Runs the command with the arguments after its name; resolves to the process exit code. */
  run(argv: readonly string[]): Promise<number>;
}

/** Thrown by commands for a usage mistake; main prints the message and the command's usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
