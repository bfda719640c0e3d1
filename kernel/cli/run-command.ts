/** `loom run [NOTEBOOK|FOLDER...]`: command-line flags into RunOptions. */
import { parseArgs } from 'node:util';
import { runNotebooks } from '../runner/run.js';
import { UsageError } from './usage.js';

const DEFAULT_TIMEOUT_SECONDS = 600;
/** setTimeout's limit (about 24 days); longer waits would fire at once. */
const MAX_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1 - 60_000) / 1000);

export function runCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      answers: { type: 'string' },
      'default-answer': { type: 'string' },
      timeout: { type: 'string' },
      'no-install': { type: 'boolean' },
    },
  });
  if (values.out === '') throw new UsageError('--out needs a folder');
  if (values.answers === '') throw new UsageError('--answers needs a file');
  return runNotebooks({
    paths: positionals.length > 0 ? positionals : ['notebooks'],
    outDir: values.out ?? 'out',
    answersFile: values.answers,
    defaultAnswer: values['default-answer'] ?? 'hello',
    timeoutMs: timeoutSeconds(values.timeout) * 1000,
    install: !values['no-install'],
  });
}

function timeoutSeconds(text: string | undefined): number {
  if (text === undefined) return DEFAULT_TIMEOUT_SECONDS;
  const value = Number(text);
  if (!(value > 0 && value <= MAX_TIMEOUT_SECONDS)) {
    throw new UsageError(`--timeout must be a number of seconds between 0 and ${MAX_TIMEOUT_SECONDS}, got '${text}'`);
  }
  return value;
}
