// One notebook open in JupyterLab (see lab-page.mjs): its cells, its kernel,
// and running a cell with Shift+Enter until it has finished. Waits are on the
// DOM and the kernel's state, each with a deadline that says what it waited for.

export const KERNEL_TIMEOUT_MS = 60_000;

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
    return this.page.evaluate((id) => window.loomPanel(id).content.widgets.length, this.id);
  }

  cell(index) {
    return this.panel.locator('.jp-Notebook .jp-Cell').nth(index);
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
          const kernel = window.loomPanel(id).sessionContext.session?.kernel;
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
    return this.page.evaluate((id) => window.loomPanel(id).sessionContext.session?.kernel?.name ?? null, this.id);
  }

  executionIndicator() {
    return this.panel.locator('.jp-Notebook-ExecutionIndicator');
  }

  /** The cell the notebook has selected, by index. */
  activeCellIndex() {
    return this.page.evaluate((id) => window.loomPanel(id).content.activeCellIndex, this.id);
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
    return this.page.evaluate(([id, i]) => window.loomPanel(id).content.widgets[i].model.sharedModel.getSource(), [this.id, index]);
  }

  /** What a person reads in a cell's output area ('' when its outputs are collapsed, as a solution's are). */
  async outputText(index) {
    const area = this.cell(index).locator('.jp-OutputArea');
    return (await area.count()) === 0 ? '' : area.innerText();
  }

  /** The nbformat outputs of a cell (the page renders errors and stderr alike; the model tells them apart). */
  outputs(index) {
    return this.page.evaluate(([id, i]) => window.loomPanel(id).content.widgets[i].model.outputs.toJSON(), [this.id, index]);
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
          const panel = window.loomPanel(id);
          const node = panel.content.widgets[i].node;
          if (!answered && node.querySelector('.jp-Stdin-input')) return 'input';
          // A cell whose source is collapsed (a solution) shows an empty prompt; its model has the count.
          const count = panel.content.widgets[i].model.executionCount;
          const shown = node.querySelector('.jp-InputPrompt')?.textContent.trim() || (count === null ? undefined : `[${count}]:`);
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
    await this.page.evaluate((id) => {
      window.loomRestartSeen = false;
      const seen = (sessionContext, status) => {
        if (status !== 'restarting' && status !== 'autorestarting') return;
        window.loomRestartSeen = true;
        sessionContext.statusChanged.disconnect(seen);
      };
      window.loomPanel(id).sessionContext.statusChanged.connect(seen);
    }, this.id);
    await this.lab.menu('Kernel', 'Restart Kernel…');
    await this.page.locator('.jp-Dialog .jp-Dialog-button.jp-mod-accept').click();
    await this.page.waitForFunction(() => window.loomRestartSeen, null, { timeout: KERNEL_TIMEOUT_MS }).catch(() => {
      throw new Error(`${this.path}: Kernel > Restart Kernel did not restart the kernel`);
    });
    await this.waitForKernel();
    this.executed = 0;
  }
}
