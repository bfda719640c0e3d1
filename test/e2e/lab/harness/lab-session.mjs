// One browser and one JupyterLab page for the tests of a file: opened before
// them, closed after them, and every kernel session they left shut down, so the
// next file starts from none.
import { after, before } from 'node:test';
import { launchBrowser } from './browser.mjs';
import { LabPage } from './lab-page.mjs';
import { serverFromEnv, shutDownAllSessions } from './server-from-env.mjs';

/**
 * Registers the file's before and after hooks; `whenOpen(lab)` runs once the
 * page is open (to open a fixture, say). `session.lab` is the LabPage once
 * `before` has run.
 */
export function labSession(whenOpen = async () => {}) {
  const server = serverFromEnv();
  const session = { server, browser: undefined, lab: undefined };
  before(async () => {
    session.browser = await launchBrowser();
    session.lab = await LabPage.open(session.browser, server);
    await whenOpen(session.lab);
  });
  after(async () => {
    await session.lab?.close();
    await session.browser?.close();
    await shutDownAllSessions(server);
  });
  return session;
}
