#!/usr/bin/env node
// The `loom` command. The CLI itself is TypeScript compiled to dist/, so say
// how to build it rather than fail with a bare MODULE_NOT_FOUND.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

// `loom worker URL ...` (loom/distributed) needs none of the kernel.
const cli = process.argv[2] === 'worker'
  ? join(__dirname, '..', 'dist', 'src', 'distributed', 'worker-main.js')
  : join(__dirname, '..', 'dist', 'kernel', 'cli', 'main.js');
if (!existsSync(cli)) {
  console.error(`loom: ${cli} is missing. Build Loom first: run \`npm run build\` (or \`npm install\`) in ${join(__dirname, '..')}`);
  process.exit(1);
}
require(cli);
