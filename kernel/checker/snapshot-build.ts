/**
 * `node snapshot-build.js DIR`: builds the checker's snapshot into DIR and
 * writes its manifest (snapshot.ts), for a kernel that found none.
 *
 * It starts itself again, detached, and exits at once: the build (some
 * seconds) then belongs to no kernel, which a kernel's shutdown leaves no
 * child of its own behind for, and is not cut short with the kernel's process group.
 */
import { spawn } from 'node:child_process';
import { buildSnapshot } from './snapshot.js';

const [dir, role] = process.argv.slice(2);
if (dir && role === 'build') {
  void buildSnapshot(dir);
} else if (dir) {
  spawn(process.execPath, [...process.execArgv, __filename, dir, 'build'], { stdio: 'ignore', detached: true }).unref();
}
