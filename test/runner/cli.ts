/** Runs `loom run` as a user would, from the package root, with a marker to find its processes by. */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../kernel/install/package-root.js';

export const ROOT = packageRoot(__dirname);
export const FIXTURES = join(ROOT, 'test', 'runner', 'fixtures');
const CLI = join(ROOT, 'dist', 'kernel', 'cli', 'main.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Set in the environment of the run, so every process it started carries it. */
  marker: string;
}

export function loomRun(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const marker = randomUUID();
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'run', ...args], { cwd: ROOT, env: { ...process.env, ...env, LOOM_RUNNER_TEST: marker } }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr, marker });
    });
  });
}

/** Processes still alive that were started by a run (they inherited its marker). */
export function processesWithMarker(marker: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'latin1').includes(`LOOM_RUNNER_TEST=${marker}`);
      } catch {
        return false; // gone, or not ours to read
      }
    })
    .map(Number);
}

/** The text a reader sees: tags removed, entities decoded. */
export function visibleText(html: string): string {
  return html
    .replace(/<style>[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]+>/g, '')
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&nbsp;/g, '\u00a0').replace(/&amp;/g, '&');
}

/** The page without its cells' source code, to look at what the outputs put there. */
export function withoutSources(html: string): string {
  return html.replace(/<div class="source">[\s\S]*?<\/div>/g, '');
}
