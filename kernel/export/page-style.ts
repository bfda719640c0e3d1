/**
 * The pages' stylesheet, inlined so each page is one standalone file: a calm
 * reading layout, Jupyter's In/Out prompts in a left column, highlight.js's
 * GitHub theme for code, and the JupyterLab palette for ANSI colours.
 */
import { readFileSync } from 'node:fs';

const LAYOUT = `
:root {
  --text: #1f2328; --muted: #656d76; --border: #d0d7de; --code-bg: #f6f8fa;
  --link: #0969da; --in: #303f9f; --out: #d84315; --error-bg: #fff5f5; --error-border: #f1aeb5;
  --mono: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; color: var(--text); background: #fff;
  font: 16px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
a { color: var(--link); text-decoration: none; }
a:hover { text-decoration: underline; }
.topbar {
  position: sticky; top: 0; z-index: 1; display: flex; justify-content: space-between; gap: 1rem;
  padding: .6rem 1.5rem; background: rgba(255,255,255,.94); border-bottom: 1px solid var(--border);
  font-size: .9rem; backdrop-filter: blur(4px);
}
.topbar .brand { font-weight: 600; color: var(--text); }
.topbar .file { color: var(--muted); font-family: var(--mono); font-size: .85rem; }
main { max-width: 64rem; margin: 0 auto; padding: 1.5rem 1.5rem 4rem; }
footer { max-width: 64rem; margin: 0 auto; padding: 0 1.5rem 3rem; color: var(--muted); font-size: .85rem; }
footer p { margin: 0; padding-top: 1rem; border-top: 1px solid var(--border); }
.lede { color: var(--muted); margin: -.5rem 0 1.5rem; }
/* Contents and the chapter's pages, aligned with the cells' content column. */
.toc { margin: 0 0 1.25rem 6.5rem; padding: .5rem 1rem; border: 1px solid var(--border); border-radius: 6px; background: var(--code-bg); font-size: .9rem; }
.toc summary { cursor: pointer; font-weight: 600; }
.toc ul { margin: .4rem 0 0; padding-left: 1.1rem; columns: 2 18rem; }
.toc li.level-3 { margin-left: 1rem; list-style: circle; }
.pager { display: flex; justify-content: space-between; gap: 1rem; margin: 0 0 1rem 6.5rem; font-size: .9rem; }
main > .pager:last-child { margin: 2rem 0 0 6.5rem; padding-top: 1rem; border-top: 1px solid var(--border); }
details.solution { margin: .35rem 0; }
details.solution > summary { margin-left: 6.5rem; padding: .35rem .8rem; cursor: pointer; color: var(--muted); border: 1px dashed var(--border); border-radius: 6px; }
details.solution[open] > summary { margin-bottom: .35rem; }
.banner { margin: 0 0 1.5rem 6.5rem; padding: .75rem 1rem; border: 1px solid var(--error-border); border-radius: 6px; background: var(--error-bg); }

.cell { display: grid; grid-template-columns: 6.5rem minmax(0, 1fr); margin: .35rem 0; }
.cell > .markdown, .cell > .raw { grid-column: 2; }
.cell.failed .source { border-color: #cf222e; box-shadow: -3px 0 0 #cf222e; }
.prompt {
  grid-column: 1; padding: .55rem .6rem 0 0; text-align: right; white-space: nowrap;
  font-family: var(--mono); font-size: .78rem; color: var(--in); user-select: none;
}
.prompt.out { color: var(--out); }
.output-row { display: contents; }
.output-row > :not(.prompt) { grid-column: 2; min-width: 0; }

pre, code { font-family: var(--mono); font-size: .85rem; }
pre { margin: 0; line-height: 1.45; white-space: pre-wrap; overflow-wrap: anywhere; }
.source { background: var(--code-bg); border: 1px solid var(--border); border-radius: 6px; padding: .55rem .8rem; overflow-x: auto; }
.source pre { white-space: pre-wrap; overflow-wrap: anywhere; }
.source.hljs, .source .hljs { background: var(--code-bg); }
.outputs-end { grid-column: 2; height: .25rem; }
.stream, .plain, .error, .json, .latex, .html, .svg, .image, .unsupported, .output-markdown { padding: .35rem .8rem; }
.stream.stderr { background: #fff8f0; border-left: 3px solid #f0b37e; }
.stream.stdin { color: var(--muted); font-style: italic; }
.error { background: var(--error-bg); border-left: 3px solid #cf222e; }
.json.hljs { background: transparent; }
.unsupported { color: var(--muted); font-style: italic; font-size: .9rem; }
.image img, .svg svg, .html img { max-width: 100%; height: auto; }
.svg svg { display: block; }
.html > :first-child { margin-top: 0; }
.html > :last-child { margin-bottom: 0; }

.markdown { padding: 0 .2rem; }
.markdown > :first-child { margin-top: .4rem; }
.markdown > :last-child { margin-bottom: .4rem; }
.markdown h1, .markdown h2, .markdown h3, .markdown h4 { line-height: 1.25; margin: 1.6rem 0 .6rem; }
.markdown h1 { font-size: 2rem; padding-bottom: .3rem; border-bottom: 1px solid var(--border); }
.markdown h2 { font-size: 1.5rem; padding-bottom: .25rem; border-bottom: 1px solid var(--border); }
.markdown h3 { font-size: 1.2rem; }
.markdown code { background: rgba(175,184,193,.2); padding: .15em .35em; border-radius: 4px; }
.markdown pre { background: var(--code-bg); padding: .7rem .9rem; border-radius: 6px; overflow-x: auto; white-space: pre; }
.markdown pre code { background: none; padding: 0; }
.markdown blockquote { margin: 0; padding: 0 1rem; color: var(--muted); border-left: 4px solid var(--border); }
.markdown img { max-width: 100%; }

table { border-collapse: collapse; margin: .5rem 0; font-size: .9rem; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid var(--border); padding: .3rem .7rem; text-align: left; vertical-align: top; }
thead th { background: var(--code-bg); }
tbody tr:nth-child(even) { background: #fafbfc; }

.index h1 { margin: .5rem 0 1.25rem; }
.chapters { list-style: none; padding: 0; margin: 0; }
.chapters li { display: flex; align-items: baseline; justify-content: space-between; gap: 1rem; padding: .75rem 0; border-bottom: 1px solid var(--border); }
.chapters .title { font-size: 1.1rem; font-weight: 500; }
.chapters .name { display: block; color: var(--muted); font-family: var(--mono); font-size: .8rem; }
.status { white-space: nowrap; font-size: .8rem; padding: .1rem .55rem; border-radius: 999px; border: 1px solid; }
.status.ok { color: #1a7f37; border-color: #a6dcb4; background: #f0fff4; }
.status.error, .status.incomplete { color: #cf222e; border-color: var(--error-border); background: var(--error-bg); }
.empty { color: var(--muted); }

@media (max-width: 720px) {
  /* One column: prompts become small labels above what they name. */
  .cell, .output-row { display: block; }
  .prompt { text-align: left; padding: .4rem 0 .1rem; }
  .prompt:empty { display: none; }
  .banner, .toc, .pager, main > .pager:last-child, details.solution > summary { margin-left: 0; }
  main, footer { padding-left: 1rem; padding-right: 1rem; }
}
@media print { .topbar { position: static; } }
`;

/** JupyterLab's ANSI palette, for ansi_up's `ansi-*` classes. */
const ANSI = `
.ansi-black-fg { color: #3e424d; } .ansi-red-fg { color: #e75c58; } .ansi-green-fg { color: #00a250; }
.ansi-yellow-fg { color: #ddb62b; } .ansi-blue-fg { color: #208ffb; } .ansi-magenta-fg { color: #d160c4; }
.ansi-cyan-fg { color: #60c6c8; } .ansi-white-fg { color: #c5c1b4; }
.ansi-bright-black-fg { color: #282c36; } .ansi-bright-red-fg { color: #b22b31; } .ansi-bright-green-fg { color: #007427; }
.ansi-bright-yellow-fg { color: #b27d12; } .ansi-bright-blue-fg { color: #0065ca; } .ansi-bright-magenta-fg { color: #a03196; }
.ansi-bright-cyan-fg { color: #258f8f; } .ansi-bright-white-fg { color: #a1a6b2; }
.ansi-black-bg { background: #3e424d; } .ansi-red-bg { background: #e75c58; } .ansi-green-bg { background: #00a250; }
.ansi-yellow-bg { background: #ddb62b; } .ansi-blue-bg { background: #208ffb; } .ansi-magenta-bg { background: #d160c4; }
.ansi-cyan-bg { background: #60c6c8; } .ansi-white-bg { background: #c5c1b4; }
.ansi-bright-black-bg { background: #282c36; } .ansi-bright-red-bg { background: #b22b31; } .ansi-bright-green-bg { background: #007427; }
.ansi-bright-yellow-bg { background: #b27d12; } .ansi-bright-blue-bg { background: #0065ca; } .ansi-bright-magenta-bg { background: #a03196; }
.ansi-bright-cyan-bg { background: #258f8f; } .ansi-bright-white-bg { background: #a1a6b2; }
`;

let css: string | undefined;

export function pageStyle(): string {
  css ??= LAYOUT + readFileSync(require.resolve('highlight.js/styles/github.css'), 'utf8') + ANSI;
  return css;
}
