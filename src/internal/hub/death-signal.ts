/**
 * A second way a child dies with its parent, beside its lifeline: on Linux,
 * the kernel's parent-death signal (prctl's PR_SET_PDEATHSIG), which Node
 * cannot set but util-linux's `setpriv --pdeathsig KILL` can before it execs
 * Node in its place (same pid, same descriptors, same argv for Node).
 *
 * Why: the lifeline (../lifeline.ts) is read by the child itself, so a child
 * notices its parent's death only once it runs JavaScript: at its first line
 * after Node's own boot (seconds on a loaded machine), and while user code
 * runs only once its helper thread has booted (entry/process-lifeline.ts:
 * user code does not wait for it). The kernel's signal covers those windows
 * too: the child is killed the moment the thread that spawned it ends, which
 * for a hub means its process died (or the hub stopped, having killed its
 * children already). A parent that dies before setpriv has set the signal
 * is the lifeline's case: the child's first line sees it.
 *
 * Where setpriv is missing or too old for --pdeathsig (util-linux before
 * 2.33), and off Linux, children are spawned as before: the lifeline alone.
 */
import { readFileSync } from 'node:fs';

const CANDIDATES = ['/usr/bin/setpriv', '/bin/setpriv'];

let prefix: string[] | undefined;

/**
 * Whether setpriv is there and knows --pdeathsig: its help text, inside the
 * binary, names the option (read in under 1 ms; running it to ask took 8-10
 * ms, on the path of every hub's first child).
 */
function knowsPdeathsig(setpriv: string): boolean {
  try {
    return readFileSync(setpriv).includes('--pdeathsig');
  } catch {
    return false;
  }
}

/** What goes before Node's path in a child's command: setpriv and its options, or nothing (decided once per thread). */
export function deathSignalPrefix(): string[] {
  if (prefix) return prefix;
  const setpriv = process.platform === 'linux' ? CANDIDATES.find(knowsPdeathsig) : undefined;
  prefix = setpriv ? [setpriv, '--pdeathsig', 'KILL', '--'] : [];
  return prefix;
}
