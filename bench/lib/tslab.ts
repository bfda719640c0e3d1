import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Where tslab is, if it was installed for a comparison: in the project
 * (`npm i --no-save --no-bin-links tslab`; without --no-bin-links its old
 * TypeScript replaces node_modules/.bin/tsc) or in a prefix of its own
 * (`npm i --prefix $TSLAB_PREFIX tslab`, default /tmp/loom-bench-tslab).
 */
export const TSLAB_PREFIX = process.env.TSLAB_PREFIX ?? join(tmpdir(), 'loom-bench-tslab');

export const TSLAB_HINT = `install it with \`npm i --prefix ${TSLAB_PREFIX} tslab\` (or set TSLAB_PREFIX)`;

/** tslab's kernel command line (its kernelspec runs `tslab kernel --config-path {connection_file}`), or undefined. */
export function tslabArgv(root: string): string[] | undefined {
  const bin = [join(root, 'node_modules'), join(TSLAB_PREFIX, 'node_modules')].map((dir) => join(dir, 'tslab', 'bin', 'tslab')).find(existsSync);
  return bin === undefined ? undefined : [process.execPath, bin, 'kernel', '--config-path', '{connection_file}'];
}
