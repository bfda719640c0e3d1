/**
 * A kernel started in a notebook folder of its own (files written from a
 * table of path -> text), and what a test reads from its cells.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { KernelClient, type Execution } from '../../kernel/client/client.js';
import { ofType } from './outputs.js';
import { descendantsOf, waitForExit } from './processes.js';

/** A new folder under the temporary directory holding `files`. */
export function notebookFolder(prefix: string, files: Record<string, string>): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(folder, file)), { recursive: true });
    writeFileSync(join(folder, file), text);
  }
  return folder;
}

/** Closes the kernel and waits until it and every process its cells started have exited. */
export async function closeWithChildren(kernel: KernelClient): Promise<void> {
  const pid = kernel.process!.pid!;
  const pids = [pid, ...descendantsOf(pid)];
  await kernel.close();
  await waitForExit(pids);
}

/** Closes the kernel and its children, then removes its notebook folder. */
export async function closeNotebook(kernel: KernelClient, folder: string): Promise<void> {
  await closeWithChildren(kernel);
  rmSync(folder, { recursive: true, force: true });
}

/** The cell's error as a reader sees it. */
export function failure({ reply }: Execution): string {
  return `${reply.content.ename}: ${reply.content.evalue}\n${(reply.content.traceback ?? []).join('\n')}`;
}

export function assertOk(execution: Execution): void {
  assert.equal(execution.reply.content.status, 'ok', failure(execution));
}

/** The text/plain of the cell's result, failing with the cell's error when it has none. */
export function result(execution: Execution): string {
  assertOk(execution);
  const [shown] = ofType(execution.iopub, 'execute_result');
  assert.ok(shown, 'the cell has a result');
  return shown.content.data['text/plain'] as string;
}
