/**
 * A TypeScript file a cell imports (`import { f } from './util.ts'`) -> the
 * JavaScript Node runs: types stripped by the same compiler as the cells,
 * with an inline source map so stack frames show the .ts file's lines.
 *
 * Used by the executor's module hooks (kernel/executor/runtime/ts-hooks.ts,
 * in Node's loader thread) and by its require() of .ts and .cts files
 * (ts-modules.ts). The compiler is loaded on the first file, not before.
 */
import type ts from 'typescript';

/** .ts, .mts, .cts, .tsx: the files to compile (declaration files are never run). */
export const TYPESCRIPT_FILE = /(?<!\.d)\.[cm]?tsx?$/;

let compiler: typeof ts | undefined;

/**
 * 'module' for import() of .ts, .mts and .tsx; 'commonjs' for .cts and for require().
 * Throws a SyntaxError naming the file, line and column when it does not parse.
 */
export function transpileFile(source: string, fileName: string, format: 'module' | 'commonjs'): string {
  compiler ??= require('typescript') as typeof ts;
  const { ModuleKind, ScriptTarget, JsxEmit, DiagnosticCategory } = compiler;
  const output = compiler.transpileModule(source, {
    fileName,
    reportDiagnostics: true,
    compilerOptions: {
      target: ScriptTarget.ES2022,
      module: format === 'module' ? ModuleKind.ESNext : ModuleKind.CommonJS,
      // `import x from 'cjs-package'` gets module.exports in a required file too, as under import.
      esModuleInterop: true,
      jsx: JsxEmit.ReactJSX,
      inlineSourceMap: true,
    },
  });
  const error = output.diagnostics?.find((d) => d.category === DiagnosticCategory.Error);
  if (error?.file) {
    const { line, character } = error.file.getLineAndCharacterOfPosition(error.start ?? 0);
    const message = compiler.flattenDiagnosticMessageText(error.messageText, '\n');
    throw new SyntaxError(`${fileName}:${line + 1}:${character + 1} - ${message}`);
  }
  return output.outputText;
}
