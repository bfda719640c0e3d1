/**
 * The code the raw baselines of bench/lib.ts run elsewhere: piscina's task
 * functions (this module, by export name) and a forked child (this module run
 * as a script with a mode). Kept apart from bench/lib.ts so that those
 * baselines load nothing of loom.
 */
export function spin(n: number): number {
  let x = 0;
  for (let i = 0; i < n; i++) x = (x + i) | 0;
  return x;
}

/** The chapter's 13.4 factorisation, as written there (trial division without a square-root bound). */
export function prime(input: number): number[] {
  let value = input;
  const factors: number[] = [];
  let divisor = 2;
  while (value > 1) {
    if (value % divisor === 0) {
      factors.push(divisor);
      value = value / divisor;
      divisor -= 1;
    }
    divisor += 1;
  }
  return factors;
}

export function inc(x: number): number {
  return x + 1;
}

export function echo(x: unknown): unknown {
  return x;
}

/** As a forked child: `spin N` loops and reports; `ready` reports at once; `ints N` sends N ints over IPC. */
if (require.main === module) {
  const [mode, arg] = process.argv.slice(2);
  if (mode === 'spin') {
    spin(Number(arg));
    process.send!('done', () => process.exit(0));
  } else if (mode === 'ready') {
    process.send!('ready', () => process.exit(0));
  } else if (mode === 'ints') {
    for (let i = 0; i < Number(arg); i++) process.send!(i);
    process.send!('done', () => process.exit(0));
  }
}
