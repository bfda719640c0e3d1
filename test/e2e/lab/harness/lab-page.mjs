// JupyterLab in one browser page, driven as a person would: menus, the file
// browser, the launcher, the keyboard. Waits are on the DOM and on the
// kernel's state, never on the clock. Every wait has a deadline and, when it
// passes, says what it was waiting for.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS } from './paths.mjs';

const LOAD_TIMEOUT_MS = 60_000;
const UI_TIMEOUT_MS = 15_000;
export const KERNEL_TIMEOUT_MS = 60_000;

const exactly = (text) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

/** A name safe for a file: `notebooks/13.1 Threads.ipynb` -> `notebooks-13.1-Threads`. */
export const fileSafe = (name) => name.replace(/\.ipynb$/, '').replace(/[^\w.-]+/g, '-');

export class LabPage {
  /** Console errors, uncaught page errors and failed HTTP requests seen so far. */
  problems = [];

  constructor(context, page, server) {
    this.context = context;
    this.page = page;
    this.server = server;
    page.on('console', (message) => {
      if (message.type() === 'error') this.problems.push(`console error: ${message.text()}`);
    });
    page.on('pageerror', (error) => this.problems.push(`page error: ${error.message}`));
    page.on('response', (response) => {
      if (response.status() >= 400) this.problems.push(`HTTP ${response.status()} ${response.request().method()} ${response.url()}`);
    });
  }

  /** A fresh browser context on /lab?reset (the default layout), once JupyterLab has restored. */
  static async open(browser, server) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    const lab = new LabPage(context, page, server);
    await page.goto(new URL(`lab?reset&token=${server.token}`, server.url).href);
    // Set by frontend/index.js once every plugin has started and the layout is restored.
    await page.locator('body[data-loom-lab-restored]').waitFor({ state: 'attached', timeout: LOAD_TIMEOUT_MS });
    return lab;
  }

  async close() {
    await this.context.close();
  }

  /** Saves a PNG in artifacts/; `whole` grows the window to show all of a long notebook. */
  async screenshot(name, { whole = false } = {}) {
    mkdirSync(ARTIFACTS, { recursive: true });
    const path = join(ARTIFACTS, `${fileSafe(name)}.png`);
    const viewport = this.page.viewportSize();
    if (whole) {
      const scroller = '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer';
      const height = await this.page.evaluate((selector) => (document.querySelector(selector)?.scrollHeight ?? 0) + 200, scroller);
      if (height > viewport.height) await this.page.setViewportSize({ width: viewport.width, height: Math.min(height, 16_000) });
      // From the top, after the page has laid itself out at the new size.
      await this.page.evaluate(
        (selector) =>
          new Promise((done) => {
            requestAnimationFrame(() => {
              const node = document.querySelector(selector);
              if (node) node.scrollTop = 0;
              requestAnimationFrame(() => done());
            });
          }),
        scroller,
      );
    }
    await this.page.screenshot({ path });
    await this.page.setViewportSize(viewport);
    return path;
  }

  /** Clicks through the menu bar: menu('Kernel', 'Interrupt Kernel'), menu('File', 'Save and Export Notebook As', 'HTML'). */
  async menu(top, ...items) {
    await this.page.locator('.lm-MenuBar-item').filter({ hasText: exactly(top) }).click();
    for (const [index, label] of items.entries()) {
      const menu = this.page.locator('.lm-Menu').nth(index);
      const item = menu.locator('.lm-Menu-item').filter({ has: this.page.locator('.lm-Menu-itemLabel', { hasText: exactly(label) }) });
      if (index < items.length - 1) {
        await item.hover(); // opens the submenu
        await this.page.locator('.lm-Menu').nth(index + 1).waitFor();
      } else {
        await item.click();
      }
    }
  }

  /** The launcher's card for a kernel, in the Notebook section. */
  launcherCard(title) {
    return this.page.locator(`.jp-LauncherCard[data-category="Notebook"][title="${title}"]`);
  }

  /** Clicks a kernel's card in the launcher; resolves with the new notebook once its kernel is ready. */
  async newNotebookFromLauncher(title) {
    await this.launcherCard(title).click();
    return this.#currentNotebook();
  }

  /** Opens `dir/name.ipynb` by double-clicking through the file browser, as a person would. */
  async openFromFileBrowser(path) {
    const listing = this.page.locator('.jp-FileBrowser .jp-DirListing-content');
    await this.page.locator('.jp-FileBrowser .jp-BreadCrumbs-home').click(); // from the server's root
    const parts = path.split('/');
    for (const [index, name] of parts.entries()) {
      const item = listing.locator('.jp-DirListing-item').filter({ has: this.page.locator('.jp-DirListing-itemText', { hasText: exactly(name) }) });
      await item.dblclick();
      // A folder shows its contents in the breadcrumbs before its listing.
      if (index < parts.length - 1) await this.page.locator('.jp-FileBrowser .jp-BreadCrumbs-item', { hasText: exactly(name) }).waitFor();
    }
    const notebook = await this.#currentNotebook();
    if (notebook.path !== path) throw new Error(`opened ${notebook.path}, expected ${path}`);
    return notebook;
  }

  async #currentNotebook() {
    const handle = await this.page.waitForFunction(() => {
      const widget = window.jupyterapp.shell.currentWidget;
      return widget?.content?.widgets !== undefined && widget.context ? { id: widget.id, path: widget.context.path } : null;
    });
    const { id, path } = await handle.jsonValue();
    const notebook = new Notebook(this, id, path);
    await notebook.waitForKernel();
    return notebook;
  }
}

/** One open notebook panel, addressed by its widget id. */
export class Notebook {
  /** Executions since the kernel (re)started: the prompt the next run cell will show. */
  executed = 0;

  constructor(lab, id, path) {
    this.lab = lab;
    this.page = lab.page;
    this.id = id;
    this.path = path;
    this.panel = this.page.locator(`[id="${id}"]`);
  }

  cellCount() {
    return this.evaluate((panel) => panel.content.widgets.length);
  }

  cell(index) {
    return this.panel.locator('.jp-Notebook .jp-Cell').nth(index);
  }

  /** Runs fn(panel, ...args) in the page, with this notebook's panel. */
  evaluate(fn, ...args) {
    return this.page.evaluate(
      ([id, source, rest]) => {
        const panel = [...window.jupyterapp.shell.widgets('main')].find((widget) => widget.id === id);
        if (!panel) throw new Error(`notebook panel ${id} is gone`);
        // eslint-disable-next-line no-new-func
        return new Function('panel', '...args', `return (${source})(panel, ...args)`)(panel, ...rest);
      },
      [this.id, fn.toString(), args],
    );
  }

  /**
   * Waits until the notebook's kernel is connected and idle. The toolbar shows
   * "idle" before a kernel exists, and a cell run then would start a second
   * one, so this asks the session itself.
   */
  async waitForKernel(timeoutMs = KERNEL_TIMEOUT_MS) {
    await this.page
      .waitForFunction(
        (id) => {
          const panel = [...window.jupyterapp.shell.widgets('main')].find((widget) => widget.id === id);
          const kernel = panel?.sessionContext.session?.kernel;
          return kernel?.connectionStatus === 'connected' && kernel.status === 'idle';
        },
        this.id,
        { timeout: timeoutMs },
      )
      .catch((error) => {
        throw new Error(`${this.path}: the kernel was not connected and idle within ${timeoutMs / 1000} s (${error.message.split('\n')[0]})`);
      });
  }

  kernelName() {
    return this.evaluate((panel) => panel.sessionContext.session?.kernel?.name ?? null);
  }

  executionIndicator() {
    return this.panel.locator('.jp-Notebook-ExecutionIndicator');
  }

  /** The cell the notebook has selected, by index. */
  activeCellIndex() {
    return this.evaluate((panel) => panel.content.activeCellIndex);
  }

  /** Selects a cell in command mode by clicking its prompt. */
  async select(index) {
    await this.cell(index).locator('.jp-InputPrompt').click();
    await this.page.keyboard.press('Escape');
    if ((await this.activeCellIndex()) !== index) throw new Error(`${this.path}: clicking cell ${index + 1} did not select it`);
  }

  /** Replaces a cell's text by clicking into its editor and typing (inserted as is: no auto-indent or bracket closing). */
  async setSource(index, text) {
    await this.cell(index).locator('.cm-content').click();
    await this.page.keyboard.press('ControlOrMeta+A');
    await this.page.keyboard.press('Backspace');
    await this.page.keyboard.insertText(text);
  }

  /** Moves the cursor of a cell's editor to the end of its text. */
  async placeCursorAtEnd(index) {
    await this.cell(index).locator('.cm-content').click();
    await this.page.keyboard.press('ControlOrMeta+End');
  }

  source(index) {
    return this.evaluate((panel, i) => panel.content.widgets[i].model.sharedModel.getSource(), index);
  }

  cellType(index) {
    return this.evaluate((panel, i) => panel.content.widgets[i].model.type, index);
  }

  /** What a person reads in a cell's output area. */
  outputText(index) {
    return this.cell(index).locator('.jp-OutputArea').innerText();
  }

  /** The nbformat outputs of a cell (the page renders errors and stderr alike; the model tells them apart). */
  outputs(index) {
    return this.evaluate((panel, i) => panel.content.widgets[i].model.outputs.toJSON(), index);
  }

  /**
   * Presses Shift+Enter on the selected code cell and waits until it has run
   * (see waitUntilRun). `answer` is typed into the input() box the cell opens.
   */
  async runSelected({ answer, timeoutMs = KERNEL_TIMEOUT_MS } = {}) {
    const run = await this.startSelected();
    await run.finished({ answer, timeoutMs });
  }

  /**
   * Presses Shift+Enter on the selected code cell; returns { index, finished }
   * to wait on later, for a cell that must be interrupted first.
   */
  async startSelected() {
    const index = await this.activeCellIndex();
    const prompt = `[${this.executed + 1}]:`;
    await this.page.keyboard.press('Shift+Enter');
    this.executed += 1;
    return { index, prompt, finished: (options) => this.waitUntilRun(index, prompt, options) };
  }

  /**
   * Waits until cell `index` shows `prompt` (its execution count: JupyterLab
   * shows [*] while it runs) and the notebook's kernel is idle. Types `answer`
   * into the cell's input() box first; a box nobody expected fails at once.
   */
  async waitUntilRun(index, prompt, { answer, timeoutMs = KERNEL_TIMEOUT_MS } = {}) {
    const cell = this.cell(index);
    if (answer !== undefined) {
      const stdin = cell.locator('.jp-Stdin-input');
      await stdin.waitFor({ timeout: timeoutMs }).catch(() => {
        throw new Error(`no input() box appeared (the cell has an answer, ${JSON.stringify(answer)}, to type)`);
      });
      await stdin.fill(answer);
      await stdin.press('Enter');
    }
    const outcome = await this.page
      .waitForFunction(
        ([id, i, expected, answered]) => {
          const panel = [...window.jupyterapp.shell.widgets('main')].find((widget) => widget.id === id);
          const node = panel.content.widgets[i].node;
          if (!answered && node.querySelector('.jp-Stdin-input')) return 'input';
          const shown = node.querySelector('.jp-InputPrompt')?.textContent.trim();
          const idle = panel.node.querySelector('.jp-Notebook-ExecutionIndicator')?.dataset.status === 'idle';
          return shown === expected && idle ? 'done' : false;
        },
        [this.id, index, prompt, answer !== undefined],
        { timeout: timeoutMs },
      )
      .then((handle) => handle.jsonValue())
      .catch(async () => {
        const shown = await cell.locator('.jp-InputPrompt').textContent().catch(() => '?');
        const status = await this.executionIndicator().getAttribute('data-status').catch(() => '?');
        throw new Error(`did not finish within ${timeoutMs / 1000} s: its prompt shows ${shown?.trim()}, not ${prompt}; the kernel is ${status}`);
      });
    if (outcome === 'input') throw new Error('the cell opened an input() box, but its metadata has no "loom": {"answer": ...} to type');
  }

  /**
   * Kernel > Restart Kernel..., confirmed in its dialog; resolves once the new
   * kernel is connected and idle. The next cell run is [1] again.
   */
  async restartKernelFromMenu() {
    // The old kernel is idle too: wait for the restart to be seen first.
    await this.evaluate((panel) => {
      window.loomRestartSeen = false;
      const seen = (_, status) => {
        if (status === 'restarting' || status === 'autorestarting') window.loomRestartSeen = true;
      };
      panel.sessionContext.statusChanged.connect(seen);
    });
    await this.lab.menu('Kernel', 'Restart Kernel…');
    await this.page.locator('.jp-Dialog .jp-Dialog-button.jp-mod-accept').click();
    await this.page.waitForFunction(() => window.loomRestartSeen, null, { timeout: KERNEL_TIMEOUT_MS }).catch(() => {
      throw new Error(`${this.path}: Kernel > Restart Kernel did not restart the kernel`);
    });
    await this.waitForKernel();
    this.executed = 0;
  }
}
