/**
 * complete_request: TypeScript's completions at the cursor, narrowed to what
 * matches the text being typed (TypeScript leaves filtering to the editor,
 * Jupyter expects the kernel to do it), sorted and capped.
 */
import ts from 'typescript';
import type { CompleteReply, CompletionItemType } from './types.js';
import { codePointsToUtf16, utf16ToCodePoints } from './code-points.js';
import { INTERNAL_PREFIX } from './internal-names.js';

const MAX_MATCHES = 500;
/**
 * Signatures cost a details lookup each (~2 ms), and JupyterLab does not show
 * them (terminal clients do), so only the first few functions get one, within a time budget.
 */
const MAX_SIGNATURES = 10;
const SIGNATURE_BUDGET_MS = 5;

/** Only completions that are a plain replacement of the word at the cursor: Jupyter cannot apply edits elsewhere (auto-imports, snippets). */
const PREFERENCES: ts.GetCompletionsAtPositionOptions = {
  includeCompletionsForModuleExports: false,
  includeCompletionsForImportStatements: false,
  includeCompletionsWithInsertText: false,
  includeCompletionsWithSnippetText: false,
  includeAutomaticOptionalChainCompletions: false,
  includeCompletionsWithClassMemberSnippets: false,
  includeCompletionsWithObjectLiteralMethodSnippets: false,
};

export function complete(service: ts.LanguageService, fileName: string, code: string, cursorPos: number): CompleteReply {
  const cursor = codePointsToUtf16(code, cursorPos);
  const info = service.getCompletionsAtPosition(fileName, cursor, PREFERENCES);
  const span = replacementSpan(code, cursor, info);
  const typed = code.slice(span.start, cursor);
  const entries = matching(info?.entries ?? [], typed, span).sort(byRelevance(typed)).slice(0, MAX_MATCHES);

  const start = utf16ToCodePoints(code, span.start);
  const end = utf16ToCodePoints(code, span.start + span.length);
  let signatures = 0;
  const deadline = performance.now() + SIGNATURE_BUDGET_MS;
  const types = entries.map((entry): CompletionItemType => {
    const type = jupyterType(entry.kind);
    const wantSignature = type === 'function' && signatures++ < MAX_SIGNATURES && performance.now() < deadline;
    const signature = wantSignature ? signatureOf(service, fileName, cursor, entry) : '';
    return { start, end, text: entry.name, type, signature };
  });
  return {
    status: 'ok',
    matches: entries.map((entry) => entry.name),
    cursor_start: start,
    cursor_end: end,
    metadata: { _jupyter_types_experimental: types },
  };
}

/**
 * The text the matches replace: TypeScript's own idea when it has one (it
 * knows about string literals and paths), else the identifier before the cursor.
 */
function replacementSpan(code: string, cursor: number, info: ts.CompletionInfo | undefined): ts.TextSpan {
  const span = info?.optionalReplacementSpan ?? info?.entries.find((entry) => entry.replacementSpan)?.replacementSpan;
  if (span && span.start <= cursor && cursor <= span.start + span.length) return span;
  let start = cursor;
  while (start > 0) {
    const low = code.charCodeAt(start - 1);
    const width = low >= 0xdc00 && low <= 0xdfff && start > 1 ? 2 : 1;
    if (!ts.isIdentifierPart(code.codePointAt(start - width)!, ts.ScriptTarget.Latest)) break;
    start -= width;
  }
  return { start, length: cursor - start };
}

/** Entries that continue what was typed (case-insensitively), without duplicates or our internal names. */
function matching(entries: readonly ts.CompletionEntry[], typed: string, span: ts.TextSpan): ts.CompletionEntry[] {
  const lower = typed.toLowerCase();
  const seen = new Set<string>();
  return entries.filter((entry) => {
    if (entry.name.startsWith(INTERNAL_PREFIX) || seen.has(entry.name)) return false;
    const own = entry.replacementSpan;
    if (own && (own.start !== span.start || own.length !== span.length)) return false;
    if (!entry.name.toLowerCase().startsWith(lower)) return false;
    seen.add(entry.name);
    return true;
  });
}

/** Exact-case continuations first, then TypeScript's ranking (locals, members, globals, keywords), then by name. */
function byRelevance(typed: string): (a: ts.CompletionEntry, b: ts.CompletionEntry) => number {
  const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return (a, b) =>
    Number(!a.name.startsWith(typed)) - Number(!b.name.startsWith(typed)) ||
    compare(a.sortText, b.sortText) ||
    compare(a.name.toLowerCase(), b.name.toLowerCase()) ||
    compare(a.name, b.name);
}

/** e.g. `floor(x: number): number` for Math.floor. */
function signatureOf(service: ts.LanguageService, fileName: string, cursor: number, entry: ts.CompletionEntry): string {
  const details = service.getCompletionEntryDetails(fileName, cursor, entry.name, undefined, entry.source, PREFERENCES, entry.data);
  if (!details) return '';
  // Drop the "(method) Math." style lead-in: the name and signature are what a completion list shows.
  return ts
    .displayPartsToString(details.displayParts)
    .replace(/^\([^)]*\)\s*/, '')
    .replace(/^(function|const|let|var)\s+/, '')
    .replace(/\s+/g, ' ');
}

/** TypeScript's element kinds mapped onto the kinds JupyterLab has icons for. */
function jupyterType(kind: string): string {
  const E = ts.ScriptElementKind;
  switch (kind) {
    case E.keyword:
      return 'keyword';
    case E.moduleElement:
    case E.externalModuleName:
      return 'module';
    case E.classElement:
    case E.localClassElement:
    case E.interfaceElement:
    case E.typeElement:
    case E.enumElement:
    case E.typeParameterElement:
    case E.primitiveType:
      return 'class';
    case E.functionElement:
    case E.localFunctionElement:
    case E.memberFunctionElement:
    case E.constructorImplementationElement:
    case E.callSignatureElement:
    case E.constructSignatureElement:
      return 'function';
    case E.memberVariableElement:
    case E.memberGetAccessorElement:
    case E.memberSetAccessorElement:
    case E.memberAccessorVariableElement:
    case E.enumMemberElement:
      return 'property';
    case E.parameterElement:
      return 'param';
    case E.directory:
    case E.scriptElement:
      return 'path';
    default:
      return 'instance';
  }
}
