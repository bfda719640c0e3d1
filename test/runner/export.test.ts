import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadAnsiToHtml, overwrite } from '../../kernel/export/ansi.js';
import { indexPage } from '../../kernel/export/index-page.js';
import { notebookPage } from '../../kernel/export/notebook-page.js';
import { notebookTitle } from '../../kernel/export/notebook-title.js';
import type { Notebook } from '../../kernel/runner/nbformat.js';

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';

describe('terminal text to HTML', () => {
  it('converts_colours_and_drops_every_other_escape', async () => {
    const ansi = await loadAnsiToHtml();
    assert.equal(ansi('\x1b[1;31mbad <thing>\x1b[0m ok'), '<span style="font-weight:bold" class="ansi-red-fg">bad &lt;thing&gt;</span> ok');
    const cleaned = ansi('\x1b]0;title\x07a\x1b[2Kb\x1b(Bc\x1b=d\x07e\x1b[?25l');
    assert.equal(cleaned, 'abcde');
  });

  it('carriage_returns_and_backspaces_overwrite', () => {
    assert.equal(overwrite('10%\r20%\r100%\ndone\r\n'), '100%\ndone\n');
    assert.equal(overwrite('long line\rshort'), 'shortline');
    assert.equal(overwrite('abc\b\bX'), 'aX');
  });
});

describe('notebook pages', () => {
  const notebook: Notebook = {
    nbformat: 4, nbformat_minor: 5, metadata: {},
    cells: [
      { cell_type: 'markdown', metadata: {}, source: '# The `title`\n\n![dot](attachment:dot.png)', attachments: { 'dot.png': { 'image/png': PNG } } },
      {
        cell_type: 'code', metadata: {}, source: 'show()', execution_count: 1, outputs: [
          { output_type: 'display_data', data: { 'text/markdown': '**bold**', 'text/plain': 'x' }, metadata: {} },
          { output_type: 'display_data', data: { 'application/json': { a: [1] }, 'text/plain': 'x' }, metadata: {} },
          { output_type: 'display_data', data: { 'image/png': PNG }, metadata: { 'image/png': { width: 20 } } },
          { output_type: 'display_data', data: { 'application/x-unknown': 'x' }, metadata: {} },
          { output_type: 'execute_result', execution_count: 1, data: { 'text/plain': "'<b>not html</b>'" }, metadata: {} },
        ],
      },
    ],
  };

  it('renders_every_kind_of_output', async () => {
    const html = await notebookPage(notebook, { name: 'demo' });
    assert.match(html, /<h1 id="the-title">The <code>title<\/code><\/h1>/);
    assert.ok(html.includes(`<img src="data:image/png;base64,${PNG}" alt="dot">`), 'attachment inlined');
    assert.ok(html.includes('<strong>bold</strong>'));
    assert.match(html, /<pre class="json hljs">[^]*<span class="hljs-attr">&quot;a&quot;<\/span>/);
    assert.ok(html.includes(`<img src="data:image/png;base64,${PNG}" width="20" alt="">`));
    assert.ok(html.includes('application/x-unknown'));
    assert.ok(html.includes('<div class="prompt out">Out[1]:</div>'));
    assert.ok(html.includes('&lt;b&gt;not html&lt;/b&gt;') && !html.includes('<b>not html</b>'), 'text/plain is escaped');
    assert.ok(!html.includes('<script'), 'the page runs nothing');
  });

  it('titles_come_from_the_first_heading', () => {
    assert.equal(notebookTitle(notebook, 'demo'), 'The title');
    assert.equal(notebookTitle({ ...notebook, cells: [] }, 'demo'), 'demo');
  });

  it('the_index_lists_notebooks_or_says_there_are_none', () => {
    const page = indexPage([{ name: '13.1 intro', title: 'Intro & more', status: { kind: 'incomplete', cells: 4, cell: 2 } }]);
    assert.ok(page.includes('<a class="title" href="13.1%20intro.html">Intro &amp; more</a>'));
    assert.ok(page.includes('stopped at cell 2 of 4'));
    assert.ok(indexPage([]).includes('No notebooks have been run yet.'));
  });
});
