/**
 * inspect_request: what TypeScript knows about the symbol at the cursor (or
 * just before it, where the cursor sits after typing a name), or else about
 * the call the cursor is inside: `Math.max(|` shows max's signature.
 *
 * detail_level 0 is the signature and the first paragraph of the docs;
 * detail_level 1 adds the full docs, the JSDoc tags and, for something an
 * earlier cell declared, its source, much like IPython's `x?` and `x??`.
 */
import ts from 'typescript';
import type { InspectReply } from './types.js';
import { codePointsToUtf16 } from './code-points.js';
import { CELL_SCRIPT, userNames } from './internal-names.js';

const MAX_SOURCE_CHARS = 4000;

interface Found {
  signature: string;
  documentation: string;
  tags: readonly ts.JSDocTagInfo[];
  /** The declaration's text when it was declared in an earlier cell. */
  source?: string;
}

const NOT_FOUND: InspectReply = { status: 'ok', found: false, data: {}, metadata: {} };

export function inspect(
  service: ts.LanguageService,
  fileName: string,
  code: string,
  cursorPos: number,
  detailLevel: 0 | 1,
): InspectReply {
  const cursor = codePointsToUtf16(code, cursorPos);
  const found = symbolAt(service, fileName, cursor, detailLevel) ?? callAt(service, fileName, cursor);
  if (!found) return NOT_FOUND;
  return {
    status: 'ok',
    found: true,
    data: { 'text/plain': plainText(found, detailLevel), 'text/markdown': markdown(found, detailLevel) },
    metadata: {},
  };
}

function symbolAt(service: ts.LanguageService, fileName: string, cursor: number, detailLevel: 0 | 1): Found | undefined {
  for (const position of cursor > 0 ? [cursor, cursor - 1] : [cursor]) {
    const info = service.getQuickInfoAtPosition(fileName, position);
    if (!info) continue;
    const signature = userNames(ts.displayPartsToString(info.displayParts));
    if (!signature) continue;
    return {
      signature,
      documentation: ts.displayPartsToString(info.documentation),
      tags: info.tags ?? [],
      source: detailLevel === 1 ? notebookSource(service, fileName, position) : undefined,
    };
  }
  return undefined;
}

/** The signature of the call whose arguments the cursor is in. */
function callAt(service: ts.LanguageService, fileName: string, cursor: number): Found | undefined {
  const help = service.getSignatureHelpItems(fileName, cursor, undefined);
  const item = help?.items[help.selectedItemIndex];
  if (!item) return undefined;
  const parameters = item.parameters.map((p) => ts.displayPartsToString(p.displayParts));
  const signature =
    ts.displayPartsToString(item.prefixDisplayParts) +
    parameters.join(ts.displayPartsToString(item.separatorDisplayParts)) +
    ts.displayPartsToString(item.suffixDisplayParts);
  return { signature: userNames(signature), documentation: ts.displayPartsToString(item.documentation), tags: item.tags };
}

/** The full declaration, when the symbol comes from a notebook cell rather than a library. */
function notebookSource(service: ts.LanguageService, fileName: string, position: number): string | undefined {
  const definition = service.getDefinitionAtPosition(fileName, position)?.[0];
  // Only the script files of cells: an import's companion module would just show our plumbing.
  if (!definition || !CELL_SCRIPT.test(definition.fileName)) return undefined;
  const source = service.getProgram()?.getSourceFile(definition.fileName);
  if (!source) return undefined;
  let node: ts.Node | undefined = findNode(source, definition.textSpan.start);
  while (node && node.parent && !ts.isSourceFile(node.parent)) node = node.parent;
  if (!node) return undefined;
  // With its leading comments: the JSDoc is part of what the user wrote.
  const text = userNames(node.getFullText(source).replace(/^\s*\n/, ''));
  return text.length > MAX_SOURCE_CHARS ? text.slice(0, MAX_SOURCE_CHARS) + '\n...' : text;
}

function findNode(node: ts.Node, position: number): ts.Node | undefined {
  if (position < node.getStart() || position >= node.end) return undefined;
  return ts.forEachChild(node, (child) => findNode(child, position)) ?? node;
}

function plainText(found: Found, detailLevel: 0 | 1): string {
  const parts = [found.signature];
  const docs = detailLevel === 1 ? found.documentation : firstParagraph(found.documentation);
  if (docs) parts.push(docs);
  if (detailLevel === 1) {
    if (found.tags.length) parts.push(found.tags.map((tag) => `@${tag.name} ${tagText(tag)}`.trimEnd()).join('\n'));
    if (found.source) parts.push(`Source:\n${found.source}`);
  }
  return parts.join('\n\n');
}

function markdown(found: Found, detailLevel: 0 | 1): string {
  const parts = [fence(found.signature)];
  const docs = detailLevel === 1 ? found.documentation : firstParagraph(found.documentation);
  if (docs) parts.push(docs);
  if (detailLevel === 1) {
    if (found.tags.length) parts.push(found.tags.map(markdownTag).join('\n\n'));
    if (found.source) parts.push(fence(found.source));
  }
  return parts.join('\n\n');
}

function fence(code: string): string {
  // A longer fence than any backtick run inside, so the block cannot end early.
  const longest = Math.max(2, ...(code.match(/`+/g) ?? []).map((run) => run.length));
  const marks = '`'.repeat(longest + 1);
  return `${marks}ts\n${code}\n${marks}`;
}

/** `@param values — Numeric expressions...` with the parameter name set apart. */
function markdownTag(tag: ts.JSDocTagInfo): string {
  const parts = tag.text ?? [];
  const name = parts[0]?.kind === 'parameterName' ? parts[0].text : undefined;
  if (name === undefined) {
    const text = tagText(tag);
    const code = tag.name === 'example' && !text.includes('```');
    return code ? `*@example*\n${fence(text)}` : `*@${tag.name}*${text ? ` — ${text}` : ''}`;
  }
  const rest = ts.displayPartsToString(parts.slice(1)).trim();
  return `*@${tag.name}* \`${name}\`${rest ? ` — ${rest}` : ''}`;
}

function tagText(tag: ts.JSDocTagInfo): string {
  return ts.displayPartsToString(tag.text).trim();
}

function firstParagraph(text: string): string {
  return text.split(/\n\s*\n/)[0]!.trim();
}
