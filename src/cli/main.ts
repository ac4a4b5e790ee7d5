#!/usr/bin/env node
import { isPfeError } from '../core/errors.js';
import { backboneOptionHelp } from '../face/backbone/names.js';
import { UsageError } from './command.js';
import { cliErrorText } from './error-text.js';
import { commands } from './registry.js';

function mainHelp(): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length), 4);
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    'pfe: Probabilistic Face Embeddings (Shi & Jain, ICCV 2019)',
    '',
    'Usage: pfe <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Backbones (--backbone; embeddings, heads and calibrations of two backbones never mix):',
    backboneOptionHelp('  ', 0).split('\n').slice(1).map((l) => `  ${l.trim()}`).join('\n'),
    '',
    'Run `pfe <command> --help` for the options of one command.',
  ].join('\n');
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(mainHelp() + '\n');
    return name === undefined ? 2 : 0;
  }
  const entry = commands[name];
  if (entry === undefined) {
    process.stderr.write(`pfe: unknown command '${name}'\n\n${mainHelp()}\n`);
    return 2;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(command.usage + '\n');
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`pfe ${name}: ${e.message}\n\n${command.usage}\n`);
      return 2;
    }
    if (isPfeError(e)) {
      process.stderr.write(`pfe ${name}: error ${e.code}: ${cliErrorText(e.message)}\n`);
      return 1;
    }
    throw e;
  }
}

// A reader that stops early (`pfe ... | head`) is not an error: stop quietly, as Unix tools do.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`pfe: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 70; // EX_SOFTWARE from sysexits.h: an internal error, not bad input
  },
);
