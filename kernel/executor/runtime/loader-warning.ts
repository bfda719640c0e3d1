/**
 * Code of cells (and code they ship to workers) runs import() through vm's
 * default loader (USE_MAIN_CONTEXT_DEFAULT_LOADER), which Node 20 calls
 * experimental: its first use prints an ExperimentalWarning, which would show
 * up as the cell's stderr. This drops that one warning and passes on the rest.
 */
export function silenceLoaderWarning(): void {
  const emitWarning = process.emitWarning.bind(process);
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (String(warning).includes('USE_MAIN_CONTEXT_DEFAULT_LOADER')) return;
    (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
  }) as typeof process.emitWarning;
}
