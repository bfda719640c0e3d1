/**
 * Work named by an output tag, as the kernel names a cell's: a test file that
 * calls tagWork() gets the tag hook set (and unset after its tests), and code
 * run under(name, ...) starts pools, tasks and processes that carry the tag,
 * so interruptWork(name) stops them.
 */
import { after } from 'node:test';
import { outputHooks } from '../../src/host/index.js';

let tag: string | undefined;

/** Sets the tag hook for this test file. */
export function tagWork(): void {
  outputHooks.outputTag = () => tag;
  after(() => {
    outputHooks.outputTag = () => undefined;
  });
}

/** Runs `fn` as code tagged `name` (what it starts carries the tag). */
export function under<T>(name: string, fn: () => T): T {
  tag = name;
  try {
    return fn();
  } finally {
    tag = undefined;
  }
}
