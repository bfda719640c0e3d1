// Tab completes and Shift+Tab shows a signature, answered by Loom's language
// service, once a first cell has run (as a person works). In a kernel that has
// run nothing yet, the first completion loads TypeScript and can take longer
// than JupyterLab waits for it (completer-extension's providerTimeout, 1 s).
import assert from 'node:assert/strict';
import { labSession } from '../harness/lab-session.mjs';
import { labTest } from '../harness/lab-test.mjs';

let notebook;
const session = labSession(async (lab) => {
  notebook = await lab.openFromFileBrowser('fixtures/editing-help.ipynb');
  await notebook.select(0);
  await notebook.runSelected(); // const radius: number = 2.5;
});

labTest('Tab after Math.fl offers floor, and choosing it completes the word', { timeout: 60_000 }, () => session.lab, async () => {
  await notebook.placeCursorAtEnd(1); // Math.fl
  await session.lab.page.keyboard.press('Tab');
  // JupyterLab lists the matches, or inserts the only one at once.
  const floor = session.lab.page.locator('.jp-Completer .jp-Completer-item').filter({ has: session.lab.page.locator('.jp-Completer-match', { hasText: /^floor$/ }) });
  const completed = notebook.cell(1).locator('.cm-content', { hasText: /^Math\.floor$/ });
  await floor.or(completed).first().waitFor().catch(async () => {
    throw new Error(`Tab offered no floor: the cell reads ${JSON.stringify(await notebook.source(1))}, the completer shows ${JSON.stringify(await session.lab.page.locator('.jp-Completer').allInnerTexts())}`);
  });
  if (await floor.isVisible()) await floor.click();
  await completed.waitFor();
  assert.equal(await notebook.source(1), 'Math.floor');
  await session.lab.page.keyboard.press('Escape');
});

labTest('Shift+Tab inside Math.max( shows its signature', { timeout: 60_000 }, () => session.lab, async () => {
  await notebook.placeCursorAtEnd(2); // Math.max()
  await session.lab.page.keyboard.press('ArrowLeft'); // between the brackets
  await session.lab.page.keyboard.press('Shift+Tab');
  const tooltip = session.lab.page.locator('.jp-Tooltip');
  await tooltip.filter({ hasText: 'max(' }).waitFor().catch(async () => {
    throw new Error(`no signature of Math.max in a tooltip: ${JSON.stringify(await tooltip.allInnerTexts())}`);
  });
  assert.match(await tooltip.innerText(), /max\(\.\.\.values: number\[\]\): number/);
  await session.lab.screenshot('inspect-tooltip');
  await session.lab.page.keyboard.press('Escape');
  assert.deepEqual(session.lab.problems, []);
});
