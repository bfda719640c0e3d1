/**
 * Where a loom child process's console output goes: the one place to change
 * it. Today a child inherits the parent's fds 1 and 2, so its output reaches
 * the parent's stdout and stderr directly and live, even while the parent
 * busy-loops (Node writes to pipes and files synchronously on Linux). A host
 * that wants it elsewhere (the notebook kernel, to tag it with the cell that
 * started the process) can replace process.stdout.write here, or list a module
 * that does in hooks.processPreload, which children require first.
 */
export function routeChildOutput(): void {
  // Inherited fds 1 and 2: nothing to do.
}
