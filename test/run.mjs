// Runs every compiled test file (dist/test/**/*.test.js) with node's test runner,
// then the conformance suite with Jupyter's own clients when they are installed,
// then JupyterLab's client library against Jupyter's server (test/e2e/lab/services).
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function findTests(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return findTests(path);
    return entry.name.endsWith('.test.js') ? [path] : [];
  });
}

const only = process.argv.slice(2);
const files = findTests('dist/test').filter((f) => only.length === 0 || only.some((o) => f.includes(o)));
// `node --test` with no files runs every test it finds: a name that matches nothing must say so instead.
if (only.length > 0 && files.length === 0) {
  console.error(`no test file in dist/test matches ${only.map((o) => JSON.stringify(o)).join(' or ')} (build first: npm run build)`);
  process.exit(1);
}
const node = spawnSync(process.execPath, ['--test', ...files], { stdio: 'inherit' });
let status = node.status ?? 1;

if (only.length === 0 && existsSync('test/conformance/run.mjs')) {
  const conformance = spawnSync(process.execPath, ['test/conformance/run.mjs'], { stdio: 'inherit' });
  status ||= conformance.status ?? 1;
}

if (only.length === 0 && existsSync('test/e2e/lab/run.mjs')) {
  const services = spawnSync(process.execPath, ['test/e2e/lab/run.mjs', 'services'], { stdio: 'inherit' });
  status ||= services.status ?? 1;
}
process.exit(status);
