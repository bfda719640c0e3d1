import { PROTOCOL_VERSION } from '../messages.js';
import { ok } from '../reply-builders.js';
import type { KernelInfoReply } from '../replies.js';

// Read the versions without loading the compiler: start-up stays fast.
const typescriptVersion: string = require('typescript/package.json').version;
const loomVersion: string = require('../../../../package.json').version;

export function kernelInfo(): KernelInfoReply {
  return ok({
    protocol_version: PROTOCOL_VERSION,
    implementation: 'loom',
    implementation_version: loomVersion,
    language_info: {
      name: 'typescript',
      version: typescriptVersion,
      mimetype: 'text/typescript',
      file_extension: '.ts',
      codemirror_mode: { name: 'typescript', typescript: true },
      pygments_lexer: 'typescript',
    },
    banner: `Loom ${loomVersion}: TypeScript ${typescriptVersion} on Node ${process.version}, with Python-style threads, processes, pools, queues and futures (import from "loom")`,
    help_links: [
      { text: 'TypeScript handbook', url: 'https://www.typescriptlang.org/docs/handbook/intro.html' },
      { text: 'Node.js API', url: 'https://nodejs.org/docs/latest-v20.x/api/' },
    ],
    debugger: true,
  });
}
