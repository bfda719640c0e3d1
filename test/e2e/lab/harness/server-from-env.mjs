// The server run.mjs started for the test files, described in their environment.
export function serverFromEnv() {
  const { LOOM_LAB_URL: url, LOOM_LAB_TOKEN: token, LOOM_LAB_ROOT: root } = process.env;
  if (!url || !token || !root) {
    throw new Error('no JupyterLab server: run these tests through test/e2e/lab/run.mjs (npm run test:lab), which starts one');
  }
  const api = (path, init = {}) => fetch(new URL(path, url), { ...init, headers: { Authorization: `token ${token}`, ...init.headers } });
  return { url, token, root, api };
}

/** Shuts down every kernel session on the server, so the next test starts from none. */
export async function shutDownAllSessions(server) {
  const sessions = await (await server.api('api/sessions')).json();
  for (const session of sessions) {
    const response = await server.api(`api/sessions/${session.id}`, { method: 'DELETE' });
    if (!response.ok && response.status !== 404) throw new Error(`DELETE api/sessions/${session.id} answered ${response.status}`);
  }
}
