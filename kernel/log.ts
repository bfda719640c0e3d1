/**
 * The kernel's own log, on its stderr (Jupyter servers show it in their log).
 * Never pass message contents with secrets here; the connection key is never logged.
 */
const debugOn = process.env.LOOM_DEBUG === '1';

function write(level: string, text: string): void {
  process.stderr.write(`[loom ${level}] ${text}\n`);
}

export const log = {
  debug: (text: string) => debugOn && write('debug', text),
  info: (text: string) => write('info', text),
  warn: (text: string) => write('warn', text),
  error: (text: string) => write('error', text),
};
