// JupyterLab in one browser page, driven as a person would: menus, the file
// browser, the launcher, the keyboard. Waits are on the DOM and on the
// kernel's state, never on the clock. Every wait has a deadline and, when it
// passes, says what it was waiting for.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Notebook } from './notebook.mjs';
import { ARTIFACTS } from './paths.mjs';

const LOAD_TIMEOUT_MS = 60_000;
const UI_TIMEOUT_MS = 15_000;

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
    // The tests address a notebook by its panel's id: loomPanel(id) finds it.
    await context.addInitScript(() => {
      window.loomPanel = (id) => {
        const panel = [...window.jupyterapp.shell.widgets('main')].find((widget) => widget.id === id);
        if (!panel) throw new Error(`no notebook panel ${id} in the page`);
        return panel;
      };
    });
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
