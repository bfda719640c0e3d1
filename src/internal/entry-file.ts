/**
 * The file a worker thread or child process runs: one of src/entry/, named without
 * its extension (`entryFile('thread')`). Worker and spawn take a path, not a
 * module, so the path must match how loom itself was loaded: `.js` in dist,
 * `.ts` when loom runs from its sources under tsx (the test suite's way).
 */
import { join } from 'node:path';

/** `.ts` when this very file was loaded from source. */
const EXTENSION = __filename.endsWith('.ts') ? '.ts' : '.js';

export function entryFile(name: string): string {
  return join(__dirname, '..', 'entry', `${name}${EXTENSION}`);
}
