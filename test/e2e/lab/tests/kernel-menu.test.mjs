// Kernel > Interrupt stops a busy loop and keeps the notebook's variables;
// Kernel > Restart starts a fresh kernel without them.
import assert from 'node:assert/strict';
import { labSession } from '../harness/lab-session.mjs';
import { labTest } from '../harness/lab-test.mjs';

let notebook;
const session = labSession(async (lab) => {
  notebook = await lab.openFromFileBrowser('fixtures/kernel-menu.ipynb');
});

labTest('Kernel > Interrupt stops a busy loop, and the next cell still sees earlier variables', { timeout: 120_000 }, () => session.lab, async () => {
  await notebook.select(0);
  await notebook.runSelected(); // const kept = 41
  const loop = await notebook.startSelected(); // console.log('spinning'); while (true) spins++
  // Interrupt once the loop runs: before that (while the cell is type-checked) there is nothing to stop.
  await notebook.cell(1).locator('.jp-OutputArea', { hasText: 'spinning' }).waitFor();
  await session.lab.menu('Kernel', 'Interrupt Kernel');
  await loop.finished();
  assert.match(await notebook.outputText(1), /KeyboardInterrupt/);

  await notebook.runSelected(); // uses kept and spins
  assert.match(await notebook.outputText(2), /kept \+ 1 = 42, spun: true/);
  assert.deepEqual((await notebook.outputs(2)).map((output) => output.output_type), ['stream']);
  await session.lab.screenshot('kernel-interrupt');
});

labTest('Kernel > Restart clears the variables', { timeout: 120_000 }, () => session.lab, async () => {
  await notebook.restartKernelFromMenu();
  await notebook.select(2);
  await notebook.runSelected();
  const [output, ...rest] = await notebook.outputs(2);
  assert.equal(rest.length, 0);
  assert.equal(output.output_type, 'error', `expected an error, got ${JSON.stringify(output)}`);
  assert.match(`${output.ename}: ${output.evalue}`, /kept/);
  assert.match(await notebook.cell(2).locator('.jp-InputPrompt').innerText(), /\[1\]/);
  await session.lab.screenshot('kernel-restart');
  assert.deepEqual(session.lab.problems, []);
});
