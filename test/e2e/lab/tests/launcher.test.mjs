// The launcher offers the Loom kernel with its logo, and a notebook made from
// it runs on Loom with TypeScript highlighting.
import assert from 'node:assert/strict';
import { labSession } from '../harness/lab-session.mjs';
import { labTest } from '../harness/lab-test.mjs';

const session = labSession();

labTest('the launcher shows "TypeScript (Loom)" with its logo', { timeout: 60_000 }, () => session.lab, async () => {
  const card = session.lab.launcherCard('TypeScript (Loom)');
  await card.waitFor();
  assert.equal((await card.locator('.jp-LauncherCard-label').innerText()).trim(), 'TypeScript (Loom)');
  const logo = card.locator('img.jp-Launcher-kernelIcon');
  assert.match(await logo.getAttribute('src'), /\/kernelspecs\/loom\/logo-/);
  // Drawn, not a broken image: the server found the logo in the kernelspec.
  await logo.evaluate((img) => (img.complete ? null : new Promise((done) => img.addEventListener('load', done, { once: true }))));
  assert.ok((await logo.evaluate((img) => img.naturalWidth)) > 0, 'the logo did not load');
  await session.lab.screenshot('launcher');
});

labTest('a new TypeScript notebook runs on the Loom kernel with TypeScript highlighting', { timeout: 90_000 }, () => session.lab, async () => {
  const notebook = await session.lab.newNotebookFromLauncher('TypeScript (Loom)');
  assert.equal(await notebook.kernelName(), 'loom');
  assert.equal((await notebook.panel.locator('.jp-KernelName').innerText()).trim(), 'TypeScript (Loom)');

  await notebook.setSource(0, 'interface Point { x: number }\nconst p: Point = { x: 41 };\nconsole.log(`x + 1 = ${p.x + 1}`);');
  // kernel_info's codemirror_mode chose CodeMirror's TypeScript language (loaded lazily)...
  const editor = notebook.cell(0).locator('.cm-content');
  await editor.and(session.lab.page.locator('[data-language="typescript"]')).waitFor().catch(async () => {
    throw new Error(`the editor's language is ${await editor.getAttribute('data-language')}, not typescript`);
  });
  // ...which colours `interface` as a keyword, like `const` (JavaScript's grammar has no such keyword).
  const keywordColours = (node) => {
    const colourOf = (word) => {
      const span = [...node.querySelectorAll('span')].find((s) => s.textContent === word);
      return span ? getComputedStyle(span).color : null;
    };
    const seen = { interface: colourOf('interface'), const: colourOf('const'), plain: getComputedStyle(node).color };
    return seen.interface !== null && seen.interface !== seen.plain ? seen : null;
  };
  const seen = await session.lab.page
    .waitForFunction(keywordColours, await editor.elementHandle())
    .then((handle) => handle.jsonValue())
    .catch(async () => {
      throw new Error(`\`interface\` is not highlighted in ${await editor.innerHTML()}`);
    });
  assert.equal(seen.interface, seen.const, `\`interface\` is not coloured as a keyword (${JSON.stringify(seen)})`);

  await notebook.runSelected();
  assert.match(await notebook.outputText(0), /x \+ 1 = 42/);
  await session.lab.screenshot('new-typescript-notebook');
  assert.deepEqual(session.lab.problems, []);
});
