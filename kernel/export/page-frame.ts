/** The frame every exported page shares: a standalone HTML file with the stylesheet inlined. */
import { escapeHtml } from '../../src/host/index.js';
import { pageStyle } from './page-style.js';

/** `body` is HTML, put inside <body> as it is; `title` is text. */
export function pageFrame(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="loom run">
<title>${escapeHtml(title)}</title>
<style>${pageStyle()}</style>
</head>
<body>
${body}
</body>
</html>
`;
}
