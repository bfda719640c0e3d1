/**
 * Loom's command line: `loom install | uninstall | kernel | run | help`.
 * bin/loom.js loads this file, and so does Jupyter through kernel.json, so it
 * runs on load. Exit codes: 0 ok, 1 the command failed, 2 bad usage.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SpecInputError } from '../install/kernelspec.js';
import { installCommand, uninstallCommand } from './install-commands.js';
import { USAGE, UsageError } from './usage.js';

type Command = (args: string[]) => number | Promise<number>;

const COMMANDS: Record<string, Command> = {
  install: installCommand,
  uninstall: uninstallCommand,
  kernel: kernelCommand,
  run: runCommand,
  help: helpCommand,
};

async function main(argv: string[]): Promise<number> {
  const [name = '', ...args] = argv;
  const where = Object.hasOwn(COMMANDS, name) ? `loom ${name}` : 'loom';
  try {
    if (name === '--help' || name === '-h' || args.includes('--help') || args.includes('-h')) return helpCommand();
    if (name === '') throw new UsageError('missing command');
    const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!command) throw new UsageError(`unknown command '${name}'`);
    return await command(args);
  } catch (error) {
    if (error instanceof UsageError || error instanceof SpecInputError || isParseArgsError(error)) {
      console.error(`${where}: ${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    console.error(`${where}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

/** Loaded only here, so install/uninstall never load the kernel's native modules (ZeroMQ). */
async function kernelCommand(args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true });
  if (positionals.length !== 1) throw new UsageError('expected exactly one CONNECTION_FILE');
  const [connectionFile] = positionals as [string];
  if (!existsSync(connectionFile)) throw new Error(`connection file not found: ${connectionFile}`);
  const { startKernel } = await import('../kernel.js');
  await startKernel(connectionFile);
  return 0; // the kernel's open sockets, not this return, decide when the process ends
}

/** Loaded only here, like the kernel, so install/uninstall never load ZeroMQ. */
async function runCommand(args: string[]): Promise<number> {
  const { runCommand: run } = await import('./run-command.js');
  return run(args);
}

function helpCommand(): number {
  console.log(USAGE);
  return 0;
}

/** node:util parseArgs reports bad flags with these codes. */
function isParseArgsError(error: unknown): boolean {
  return String((error as { code?: unknown } | null)?.code ?? '').startsWith('ERR_PARSE_ARGS_');
}

// exitCode, not exit(): lets stdout drain, and lets a running kernel keep the process alive.
void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
