/**
 * `node snapshot-build.js DIR`: builds the checker's snapshot into DIR and
 * writes its manifest (snapshot.ts), started by a kernel that found none.
 */
import { buildSnapshot } from './snapshot.js';

const dir = process.argv[2];
if (dir) void buildSnapshot(dir);
