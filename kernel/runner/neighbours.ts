/**
 * The notebooks before and after one in its folder, in the order `loom run`
 * runs a folder (13.2 before 13.10), so each page can link to them: a reader
 * goes through a chapter page by page, also when only one notebook was run.
 */
import { dirname } from 'node:path';
import type { PageLink } from '../export/page-nav.js';
import { notebookTitle } from '../export/notebook-title.js';
import { findNotebooks, notebookName } from './find-notebooks.js';
import { readNotebook } from './read-notebook.js';

export function neighbours(file: string): { previous?: PageLink; next?: PageLink } {
  const siblings = findNotebooks([dirname(file)]);
  const at = siblings.findIndex((sibling) => notebookName(sibling) === notebookName(file));
  if (at < 0) return {};
  return { previous: linkTo(siblings[at - 1]), next: linkTo(siblings[at + 1]) };
}

function linkTo(file: string | undefined): PageLink | undefined {
  if (file === undefined) return undefined;
  const name = notebookName(file);
  try {
    return { name, title: notebookTitle(readNotebook(file), name) };
  } catch {
    return { name, title: name }; // unreadable: still a page in the folder's order
  }
}
