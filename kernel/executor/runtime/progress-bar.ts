/**
 * A map's progress bar (the kernel's `progressHooks.progress` reporter), over
 * the display API of the place the map runs: the executor's main thread
 * (progress.ts), a thread or pool task a cell started (worker-display.ts), a
 * child process (child-display.ts). Each gives it a `display` bound to the
 * cell that started the map, so its frames go there however late they come.
 *
 * A map shorter than SHOW_AFTER_MS shows nothing. A longer one shows a bar
 * (display_data with a display_id) that is replaced in place
 * (update_display_data) at most every REFRESH_MS, and ends as a one-line
 * summary, which is what a saved or exported notebook keeps.
 *
 * The bar appears and moves from a timer while the event loop is free, and
 * from the map's own reports (items finishing), so a `mapSync` that blocks
 * the event loop still moves it whenever results come in.
 */
import { escapeHtml } from '../../../src/host/index.js';
import type { ProgressReporter, ProgressStart } from '../../../src/host/index.js';
import type { MimeBundle } from '../../jupyter/output.js';
import type { Display, DisplayHandle } from './display-api.js';

export const SHOW_AFTER_MS = 1000;
export const REFRESH_MS = 250;
const BAR_CHARS = 24;

type Ending = Parameters<ProgressReporter['finish']>[0];

export class ProgressBar implements ProgressReporter {
  readonly #map: ProgressStart;
  readonly #display: Display;
  readonly #started = performance.now();
  readonly #timer: NodeJS.Timeout;
  #done = 0;
  #handle: DisplayHandle | undefined;
  #lastShown = { at: 0, text: '' };

  /** @param display shows in the cell that started the map */
  constructor(map: ProgressStart, display: Display) {
    this.#map = map;
    this.#display = display;
    // unref: a bar never keeps the executor alive, and the interval ends with the map.
    this.#timer = setInterval(() => this.#refresh(), REFRESH_MS).unref();
  }

  update(done: number): void {
    this.#done = done;
    if (performance.now() - this.#lastShown.at >= REFRESH_MS) this.#refresh();
  }

  finish(how: Ending, done: number): void {
    clearInterval(this.#timer);
    this.#done = done;
    // A map that ended before its bar appeared leaves no trace.
    if (this.#handle === undefined) return;
    const line = summary(this.#map, how, done, (performance.now() - this.#started) / 1000);
    this.#send({ 'text/plain': line, 'text/html': summaryHtml(line, how) });
  }

  /** Shows the bar once the map has run SHOW_AFTER_MS, then whenever what it says changes. */
  #refresh(): void {
    const elapsed = performance.now() - this.#started;
    if (elapsed < SHOW_AFTER_MS) return;
    const bundle = barBundle(this.#map, this.#done, Math.floor(elapsed / 1000));
    if (bundle['text/plain'] === this.#lastShown.text) return;
    this.#send(bundle);
  }

  #send(bundle: MimeBundle): void {
    this.#lastShown = { at: performance.now(), text: String(bundle['text/plain']) };
    if (this.#handle === undefined) {
      this.#handle = this.#display(bundle, { raw: true, displayId: true });
    } else {
      // Through this bar's display, not the handle's update (which calls the global display: this thread's cell now).
      this.#display(bundle, { raw: true, displayId: this.#handle.displayId, update: true });
    }
  }
}

function workersText({ workers, workerKind, remoteWorkers }: ProgressStart): string {
  const local = `${workers} ${workerKind === 'process' ? 'process' : 'thread'}${workers === 1 ? '' : workerKind === 'process' ? 'es' : 's'}`;
  // A cluster pool (loom/distributed): its processes run in remote workers.
  return remoteWorkers === undefined ? local : `${local} on ${remoteWorkers} remote worker${remoteWorkers === 1 ? '' : 's'}`;
}

/** `done` of the map's tasks: `3/8 tasks`, or `3 tasks` while the total is not known (tqdm's count without a total). */
function tasksText(map: ProgressStart, done: number): string {
  return map.total === undefined ? `${done} tasks` : `${done}/${map.total} tasks`;
}

/** The one line a finished map leaves, e.g. `map: 20/20 tasks in 3.4 s on 2 processes`. */
export function summary(map: ProgressStart, how: Ending, done: number, seconds: number): string {
  const tasks = tasksText(map, done);
  const what = how === 'done' ? tasks : how === 'failed' ? `failed after ${tasks}` : `stopped after ${tasks}`;
  return `${map.label}: ${what} in ${seconds.toFixed(1)} s on ${workersText(map)}`;
}

/**
 * The running bar: text for consoles, HTML for JupyterLab and exported pages.
 * Without a total (an imap reading a generator) there is no bar, only the count.
 */
export function barBundle(map: ProgressStart, done: number, seconds: number): MimeBundle {
  const counts = `${tasksText(map, done)}, ${seconds} s, ${workersText(map)}`;
  if (map.total === undefined) {
    const line = `${map.label} ${counts}`;
    return { 'text/plain': line, 'text/html': `<div style="${BOX}"><span>${escapeHtml(map.label)}</span><span style="font-variant-numeric:tabular-nums">${escapeHtml(counts)}</span></div>` };
  }
  const fraction = map.total === 0 ? 1 : Math.min(done / map.total, 1);
  const filled = Math.round(fraction * BAR_CHARS);
  const text = `${map.label} ${'█'.repeat(filled)}${'░'.repeat(BAR_CHARS - filled)} ${counts}`;
  const percent = (fraction * 100).toFixed(1);
  const html = `<div style="${BOX}">`
    + `<span>${escapeHtml(map.label)}</span>`
    + `<span style="flex:0 1 18em;height:.75em;background:#e5e7eb;border-radius:.4em;overflow:hidden">`
    + `<span style="display:block;height:100%;width:${percent}%;background:#4c78a8"></span></span>`
    + `<span style="font-variant-numeric:tabular-nums">${escapeHtml(counts)}</span></div>`;
  return { 'text/plain': text, 'text/html': html };
}

const BOX = 'display:flex;align-items:center;gap:.6em;font:13px/1.5 system-ui,sans-serif;color:#374151;padding:.1em 0';

function summaryHtml(line: string, how: Ending): string {
  const colour = how === 'done' ? '#374151' : '#b42318';
  return `<div style="font:13px/1.5 system-ui,sans-serif;color:${colour};font-variant-numeric:tabular-nums">${escapeHtml(line)}</div>`;
}
