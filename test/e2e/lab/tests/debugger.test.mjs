// JupyterLab's visual debugger on a TypeScript notebook, as a person uses it:
// the bug toggle in the notebook's toolbar turns it on and opens its sidebar, a
// click in a cell's gutter sets a breakpoint, running the cell stops on that
// line with the cell's declarations in the Variables panel, the variable
// explorer renders one, the debug console evaluates TypeScript in the stopped
// frame, Step In goes into a function an earlier cell defined, and Continue
// lets the cell finish with its usual output. The tests run in order on one
// notebook (fixtures/debugger.ipynb), each from where the previous one left it.
import assert from 'node:assert/strict';
import { labSession } from '../harness/lab-session.mjs';
import { labTest } from '../harness/lab-test.mjs';

const HELPER = 0; // function area(width, height) { const product = width * height; return product; }
const CALLER = 1; // seen (a Map), side = 3, let total = area(side, 4) on line 3, console.log, total + 1
const BREAK_LINE = 3;

let notebook;
let run; // the caller cell's run, paused at the breakpoint until Continue
const session = labSession(async (lab) => {
  notebook = await lab.openFromFileBrowser('fixtures/debugger.ipynb');
  await recordDebugMessages(lab.page, notebook.id);
});

const page = () => session.lab.page;
const exactly = (text) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
const sidebar = () => page().locator('#jp-debugger-sidebar');
const bugButton = () => notebook.panel.locator('.jp-DebuggerBugButton');

/**
 * Keeps the debug_request/debug_reply/debug_event messages of the notebook's
 * kernel in the page, so a failure can say what the kernel answered.
 */
function recordDebugMessages(page, id) {
  return page.evaluate((panelId) => {
    window.loomDebugMessages = [];
    window.loomDebugPending = new Set(); // msg_ids of requests without a reply yet
    const kernel = window.loomPanel(panelId).sessionContext.session.kernel;
    kernel.anyMessage.connect((_, { msg, direction }) => {
      if (!msg.header.msg_type.startsWith('debug_')) return;
      if (msg.header.msg_type === 'debug_request') window.loomDebugPending.add(msg.header.msg_id);
      if (msg.header.msg_type === 'debug_reply') window.loomDebugPending.delete(msg.parent_header.msg_id);
      const { command, event, success, message } = msg.content;
      window.loomDebugMessages.push(`${direction} ${msg.header.msg_type} ${command ?? event}${success === false ? ` FAILED: ${message}` : ''}`);
    });
  }, id);
}

/** Runs `wait`; when its deadline passes, the error says what it waited for and the last debug messages. */
async function waitFor(what, wait) {
  try {
    return await wait();
  } catch (error) {
    const messages = await page().evaluate(() => window.loomDebugMessages?.slice(-15) ?? []).catch(() => []);
    throw new Error(`${what}: ${error.message.split('\n')[0]}\n  last debug messages:\n    ${messages.join('\n    ')}`);
  }
}

/**
 * Waits until every debug_request JupyterLab sent has its reply. Each time a
 * notebook gets the focus, JupyterLab's debugger handler sets its session's
 * connection and asks the kernel for its debugger state (debugInfo). A click
 * on the toggle during such a round was lost in 2 runs of 4 here: no
 * initialize ever followed it. Most likely (read in @jupyterlab/debugger
 * 4.6.4's session.js, not proven) because the connection setter replaces the
 * promise a request waits on before sending, and only the newest is resolved.
 * The test lets the round end, as a person's slower hand does.
 */
async function quietDebugger() {
  await waitFor('JupyterLab still waits for debug replies', () => page().waitForFunction(() => window.loomDebugPending.size === 0));
}

/** Clicks the breakpoint gutter of a cell's line (1-based), where a person clicks left of the line number. */
async function clickGutter(index, line) {
  const editor = notebook.cell(index);
  const lineBox = await editor.locator('.cm-line').nth(line - 1).boundingBox();
  const gutterBox = await editor.locator('.cm-gutter.cm-breakpoint-gutter').boundingBox();
  await page().mouse.click(gutterBox.x + gutterBox.width / 2, lineBox.y + lineBox.height / 2);
}

/** The text of the line the debugger highlights in a cell (the stopped frame's line), once there is one. */
async function highlightedLine(index) {
  const line = notebook.cell(index).locator('.cm-line.jp-DebuggerEditor-highlight');
  await waitFor(`no highlighted line in cell ${index + 1}`, () => line.waitFor());
  return line.innerText();
}

/** Picks a scope in the Variables panel (it shows one scope at a time) and waits until `name` is listed. */
async function showScope(scope, name) {
  await sidebar().locator('.jp-DebuggerVariables-toolbar select').selectOption(scope);
  await waitFor(`the Variables panel's ${scope} scope does not list ${name}`, () => variableRow(name).waitFor());
}

function variableRow(name) {
  return sidebar()
    .locator('.jp-DebuggerVariables-body .jp-TreeItem')
    .filter({ has: page().locator('.jp-DebuggerVariables-name', { hasText: exactly(name) }) })
    .first();
}

/** The value the Variables panel shows next to a variable's name. */
function variableValue(name) {
  return variableRow(name).locator('.jp-DebuggerVariables-detail').first().innerText();
}

/** The frames of the Callstack panel, top first: [name, location]. */
function callstack() {
  return sidebar()
    .locator('.jp-DebuggerCallstackFrame')
    .evaluateAll((frames) => frames.map((frame) => [frame.querySelector('.jp-DebuggerCallstackFrame-name')?.textContent, frame.querySelector('.jp-DebuggerCallstackFrame-location')?.getAttribute('title')]));
}

/** Clicks a button of the Callstack panel's toolbar (in its title bar): debugger:continue, debugger:stepIn, debugger:evaluate... */
async function callstackButton(command) {
  const button = sidebar().locator(`[data-command="${command}"]`);
  await waitFor(`the ${command} button stays disabled`, () => button.and(page().locator(':not([disabled])')).waitFor());
  await button.click();
}

labTest('the bug toggle turns the debugger on, and its sidebar opens', { timeout: 120_000 }, () => session.lab, async () => {
  await notebook.select(HELPER); // the toggle acts on the notebook that has the focus
  await notebook.runSelected(); // defines area(), before the debugger is on (its function is stepped into later)
  // Enabled once JupyterLab has seen the kernelspec's "debugger": true and asked the kernel
  // (debugInfo). JupyterLab 4.6 loses a click made while it is still asking (see quietDebugger).
  await waitFor('no enabled bug toggle in the notebook toolbar (is @jupyterlab/debugger-extension in the front end build?)', () => notebook.panel.locator('.jp-DebuggerBugButton:not([disabled])').waitFor({ timeout: 60_000 }));
  await notebook.waitForKernel();
  await quietDebugger();
  await bugButton().click();
  await waitFor('the bug toggle is not pressed after a click', () => notebook.panel.locator('.jp-DebuggerBugButton[aria-pressed="true"]').waitFor());
  // Opened by the DAP "initialized" event the kernel sends at attach, as ipykernel does.
  await waitFor('the debugger sidebar did not open', () => sidebar().waitFor());
  for (const panel of ['jp-DebuggerVariables', 'jp-DebuggerCallstack', 'jp-DebuggerBreakpoints']) await sidebar().locator(`.${panel}`).first().waitFor();
});

labTest('a click in the gutter sets a breakpoint, and running the cell stops on its line', { timeout: 120_000 }, () => session.lab, async () => {
  await clickGutter(CALLER, BREAK_LINE);
  // The red dot, on that line and no other.
  const dots = notebook.cell(CALLER).locator('.cm-breakpoint-icon').filter({ visible: true });
  await waitFor('no red dot after the click in the gutter', () => dots.first().waitFor());
  assert.equal(await dots.count(), 1);
  const dot = await dots.boundingBox();
  const line = await notebook.cell(CALLER).locator('.cm-line').nth(BREAK_LINE - 1).boundingBox();
  assert.ok(Math.abs(dot.y + dot.height / 2 - (line.y + line.height / 2)) < line.height / 2, `the red dot is not on line ${BREAK_LINE}`);
  const listed = sidebar().locator('.jp-DebuggerBreakpoints .jp-DebuggerBreakpoint');
  await waitFor('the Breakpoints panel does not list it', () => listed.first().waitFor());
  assert.deepEqual(await listed.locator('.jp-DebuggerBreakpoint-line').allInnerTexts(), [String(BREAK_LINE)]);

  await notebook.select(CALLER);
  run = await notebook.startSelected();
  await waitFor('the Callstack panel shows no frame', () => sidebar().locator('.jp-DebuggerCallstackFrame').first().waitFor());
  const [[name, path]] = await callstack();
  assert.match(name, /^<cell \d+>$/, 'the top frame is the cell');
  assert.match(path, /\.ts$/, "the frame's source is the cell as dumped for the debugger");
  assert.equal(await highlightedLine(CALLER), 'let total = area(side, 4);');
  await page().locator('.jp-DebuggerPausedOverlay', { hasText: 'Paused in Debugger' }).waitFor();
  // The cell is still running: its prompt shows [*].
  assert.equal((await notebook.cell(CALLER).locator('.jp-InputPrompt').innerText()).trim(), '[*]:');
});

labTest("the Variables panel lists the cell's declarations", { timeout: 60_000 }, () => session.lab, async () => {
  // Loom's cells declare in the notebook's global scope (so later cells see them): its Globals scope.
  await showScope('Globals', 'seen');
  for (const name of ['area', 'side', 'total']) await variableRow(name).waitFor(); // area: the earlier cell's function
  // Values, not types: the kernel leaves DAP's optional type out, since JupyterLab's tree shows the
  // type instead of the value for any type but Python's int, float, bool and str (convertType).
  assert.equal(await variableValue('seen'), 'Map(2) {"a" => 1, "b" => 2}');
  assert.equal(await variableValue('side'), '3');
  assert.equal(await variableValue('total'), 'undefined', 'line 3 has not run yet');
  await session.lab.screenshot('debugger-stopped');
});

labTest("the variable explorer renders a Map as the cell would display it, and the panel expands it", { timeout: 60_000 }, () => session.lab, async () => {
  const row = variableRow('seen');
  await row.hover(); // the render button shows on hover
  const render = row.locator('.jp-DebuggerVariables-renderVariable');
  await waitFor('no render button on the variable', () => render.and(page().locator(':not([disabled])')).waitFor());
  await render.click();
  const view = page().locator('.jp-VariableRendererPanel');
  await waitFor('the rich view did not open', () => view.waitFor());
  // richInspectVariables answers the MIME bundle the cell would display: Node's inspect of the Map.
  await waitFor("the rich view does not show the Map's entries", () => view.locator('.jp-VariableRendererPanel-renderer', { hasText: "Map(2) { 'a' => 1, 'b' => 2 }" }).waitFor());
  await session.lab.screenshot('debugger-rich-variable');
  // Back to the notebook: close the view's tab ("seen - debugger.ipynb").
  await page().locator('.lm-TabBar-tab .lm-TabBar-tabCloseIcon[title^="Close seen - "]').click();
  await view.waitFor({ state: 'detached' });
  // In the panel, the Map expands to its entries.
  await variableRow('seen').locator('.jp-DebuggerVariables-name').first().click();
  await waitFor('the Map did not expand to its entries', () => variableRow('[[Entries]]').waitFor());
});

labTest('the debug console evaluates TypeScript in the stopped frame', { timeout: 60_000 }, () => session.lab, async () => {
  await callstackButton('debugger:evaluate');
  const console = page().locator('.jp-DebugConsole');
  const prompt = console.locator('.jp-CodeConsole-promptCell .cm-content');
  await waitFor('the debug console did not open', () => prompt.waitFor());
  await prompt.click();
  await page().keyboard.insertText('(side as number) * 10 + seen.size');
  await page().keyboard.press('Shift+Enter');
  await waitFor('the debug console shows no 32', () => console.locator('.jp-OutputArea-output', { hasText: /^32$/ }).waitFor());
  await session.lab.screenshot('debugger-console');
  await callstackButton('debugger:evaluate'); // toggles the console closed
  await console.waitFor({ state: 'detached' });
});

labTest("Step In goes into the earlier cell's function, on its line", { timeout: 60_000 }, () => session.lab, async () => {
  await callstackButton('debugger:stepIn');
  await waitFor('the top frame is not area()', () =>
    page().waitForFunction(() => document.querySelector('#jp-debugger-sidebar .jp-DebuggerCallstackFrame-name')?.textContent === 'area'),
  );
  const frames = await callstack();
  assert.deepEqual(frames.map(([name]) => name).slice(0, 1), ['area']);
  assert.match(frames[1][0], /^<cell \d+>$/, 'called from the cell');
  assert.equal(await highlightedLine(HELPER), '  const product = width * height;');
  assert.equal(await notebook.cell(CALLER).locator('.cm-line.jp-DebuggerEditor-highlight').count(), 0, 'only the top frame is highlighted');
  await showScope('Locals', 'width');
  await variableRow('height').waitFor();
  await session.lab.screenshot('debugger-step-in');
});

labTest('Continue lets the cell finish with its normal output', { timeout: 60_000 }, () => session.lab, async () => {
  await callstackButton('debugger:continue');
  await run.finished();
  assert.match(await notebook.outputText(CALLER), /total 12[\s\S]*13/);
  const outputs = await notebook.outputs(CALLER);
  assert.deepEqual(outputs.map((output) => output.output_type), ['stream', 'execute_result']);
  assert.equal(outputs[1].data['text/plain'], '13');
  assert.equal(await page().locator('.jp-DebuggerEditor-highlight').count(), 0, 'no line stays highlighted');
  assert.equal(await sidebar().locator('.jp-DebuggerCallstackFrame').count(), 0, 'the call stack is empty again');
  await session.lab.screenshot('debugger-continued');
  assert.deepEqual(session.lab.problems, []);
});
