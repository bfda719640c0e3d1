// Where things are: the repository, this folder, and the system programs used.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const LAB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO = resolve(LAB_DIR, '..', '..', '..');
export const NOTEBOOKS = join(REPO, 'notebooks');
export const FIXTURES = join(LAB_DIR, 'fixtures');
export const ARTIFACTS = join(LAB_DIR, 'artifacts');
export const SERVER_SCRIPT = join(LAB_DIR, 'server', 'lab_server.py');

// Debian's, not whatever python3 or chromium comes first on PATH.
export const PYTHON = '/usr/bin/python3';
export const CHROMIUM = '/usr/bin/chromium';
