import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The folder holding Loom's package.json. Found by walking up, so it is right
 * both from compiled code (dist/kernel/install) and from the sources (tsx).
 */
export function packageRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'loom') return dir;
    if (dirname(dir) === dir) throw new Error(`cannot find Loom's package.json above ${from}`);
  }
}
