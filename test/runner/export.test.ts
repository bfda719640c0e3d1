import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadAnsiToHtml, overwrite } from '../../kernel/export/ansi.js';
import { indexPage } from '../../kernel/export/index-page.js';
import { notebookPage } from '../../kernel/export/notebook-page.js';
import { notebookTitle } from '../../kernel/export/notebook-title.js';
import type { CodeCell, Notebook } from '../../kernel/jupyter/nbformat.js';

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

  it('has_a_table_of_contents_of_its_sections_and_links_to_the_notebooks_beside_it', async () => {
    const sections: Notebook = {
      ...notebook,
      cells: [
        { cell_type: 'markdown', metadata: {}, source: '# Title\n\n## First & best\n\n### Inside' },
        { cell_type: 'markdown', metadata: {}, source: '## Second' },
        { cell_type: 'code', metadata: {}, source: 'show()', execution_count: 1, outputs: [
          { output_type: 'display_data', data: { 'text/markdown': '## Not a section', 'text/plain': 'x' }, metadata: {} },
        ] },
      ],
    };
    const html = await notebookPage(sections, { name: '13.2', previous: { name: '13.1 basics', title: 'Basics' }, next: { name: '13.3', title: 'Processes <3' } });
    const toc = /<nav class="toc"[^]*?<\/nav>/.exec(html)?.[0] ?? '';
    assert.deepEqual([...toc.matchAll(/<a href="#([^"]+)">([^<]+)<\/a>/g)].map((m) => [m[1], m[2]]), [['first-best', 'First &amp; best'], ['inside', 'Inside'], ['second', 'Second']]);
    assert.match(html, /<h2 id="first-best">/, 'the contents link to the ids the headings have');
    assert.ok(html.indexOf('<h1') < html.indexOf('class="toc"') && html.indexOf('class="toc"') < html.indexOf('<h2 id="second"'), 'the contents follow the title cell');
    assert.equal((html.match(/<a rel="prev" href="13\.1%20basics\.html">← Basics<\/a>/g) ?? []).length, 2, 'at the top and the bottom');
    assert.equal((html.match(/<a rel="next" href="13\.3\.html">Processes &lt;3 →<\/a>/g) ?? []).length, 2);
    const alone = await notebookPage({ ...notebook, cells: [{ cell_type: 'markdown', metadata: {}, source: '# Title\n\n## Only one' }] }, { name: 'x' });
    assert.ok(!alone.includes('class="toc"') && !alone.includes('class="pager"'), 'no contents for one section, no pager without neighbours');
  });

  it('closes_solution_cells_until_the_reader_opens_them_unless_they_failed', async () => {
    const cell = (source: string, outputs: CodeCell['outputs']): CodeCell =>
      ({ cell_type: 'code', metadata: { tags: ['solution'], jupyter: { source_hidden: true } }, source, execution_count: 1, outputs });
    const html = await notebookPage({ ...notebook, cells: [cell('answer()', [])] }, { name: 'x' });
    assert.match(html, /<details class="solution"><summary>Solution \(cell 1\)[^<]*<\/summary>\n<section class="cell code" id="cell-1">[^]*answer[^]*<\/section>\n<\/details>/);
    const failed = await notebookPage({ ...notebook, cells: [cell('broken()', [{ output_type: 'error', ename: 'Error', evalue: 'no', traceback: [] }])] }, { name: 'x' });
    assert.ok(!failed.includes('<details class="solution">'), 'a failed solution is shown open');
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
