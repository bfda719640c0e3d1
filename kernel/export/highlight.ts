/**
 * Syntax highlighting with highlight.js: synchronous and with no WebAssembly,
 * so a page renders in one pass. Notebook cells are TypeScript.
 */
import hljs from 'highlight.js';
import { escapeHtml } from '../../src/host/index.js';

/** HTML with highlight.js's `hljs-*` spans; unknown languages are just escaped. */
export function highlight(code: string, language = 'typescript'): string {
  if (!hljs.getLanguage(language)) return escapeHtml(code);
  return hljs.highlight(code, { language, ignoreIllegals: true }).value;
}
