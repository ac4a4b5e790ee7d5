import type { CliCommand } from './command.js';

/**
 * Subcommands of `pfe`, loaded lazily so that `pfe score` never pays for
 * loading TensorFlow.js. Add one line per command.
 */
export const commands: Readonly<Record<string, { summary: string; load: () => Promise<CliCommand> }>> = {
};
