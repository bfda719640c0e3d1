/**
 * Terminal text (streams, tracebacks, text/plain) into HTML, as Jupyter
 * frontends show it: colours from ANSI SGR codes become spans (ansi_up),
 * carriage returns and backspaces overwrite what came before, and no escape
 * or control character is left in the page.
 */
import type { AnsiUp } from 'ansi_up';

/** Escape sequences other than colours: OSC (titles, links), CSI that move the cursor, and two-byte ones. */
const OSC = /\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?/g;
const NON_SGR_CSI = /\x1b\[[0-?]*[ -/]*[@-ln-~]/g;
const TWO_BYTE = /\x1b[ -\/][ -~]|\x1b[0-Z\\^-~]/g;
/** C0 controls other than tab and newline, and any ESC that survived. */
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/g;

export type AnsiToHtml = (text: string) => string;

let AnsiUpClass: typeof AnsiUp | undefined;

/** ansi_up is an ES module; the kernel is CommonJS, so it is loaded with import() once. */
export async function loadAnsiToHtml(): Promise<AnsiToHtml> {
  AnsiUpClass ??= (await import('ansi_up')).AnsiUp;
  const Converter = AnsiUpClass;
  return (text) => {
    const converter = new Converter(); // fresh: colours never leak from one output into the next
    converter.use_classes = true;
    const clean = overwrite(text).replace(OSC, '').replace(NON_SGR_CSI, '').replace(TWO_BYTE, '');
    return converter.ansi_to_html(clean).replace(CONTROL, '');
  };
}

/** What a terminal would show: `\r` returns to the line's start and overwrites, `\b` erases one character. */
export function overwrite(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      let shown = '';
      for (const part of line.split('\r')) shown = part + shown.slice(part.length);
      while (/[^\b]\x08/.test(shown)) shown = shown.replace(/[^\b]\x08/g, '');
      return shown.replace(/\x08/g, '');
    })
    .join('\n');
}
