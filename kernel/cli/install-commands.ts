/** `loom install` and `loom uninstall`: flags in, kernelspec folder out. */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_NAME, installKernelspec, uninstallKernelspec } from '../install/kernelspec.js';
import type { Location } from '../install/locations.js';
import { UsageError } from './usage.js';

const LOCATION_FLAGS = {
  user: { type: 'boolean' },
  'sys-prefix': { type: 'boolean' },
  prefix: { type: 'string' },
  name: { type: 'string' },
} as const;

export function installCommand(args: string[]): number {
  const { values } = parseArgs({ args, options: { ...LOCATION_FLAGS, 'display-name': { type: 'string' } } });
  const name = values.name ?? DEFAULT_NAME;
  const dir = installKernelspec({ location: location(values), name, displayName: values['display-name'] });
  console.log(`Installed kernelspec ${name} in ${dir}`);
  // A prefix is only searched by Jupyter if it is its sys.prefix or on JUPYTER_PATH.
  if (values.prefix !== undefined) {
    console.log(`Jupyter finds it when JUPYTER_PATH includes ${join(resolve(values.prefix), 'share', 'jupyter')}`);
  }
  return 0;
}

export function uninstallCommand(args: string[]): number {
  const { values } = parseArgs({ args, options: LOCATION_FLAGS });
  const name = values.name ?? DEFAULT_NAME;
  const { dir, removed } = uninstallKernelspec({ location: location(values), name });
  if (!removed) {
    console.error(`loom uninstall: kernelspec ${name} is not installed (no ${dir})`);
    return 1;
  }
  console.log(`Removed kernelspec ${name} from ${dir}`);
  return 0;
}

function location(values: { user?: boolean; 'sys-prefix'?: boolean; prefix?: string }): Location {
  const chosen = [values.user, values['sys-prefix'], values.prefix !== undefined].filter(Boolean).length;
  if (chosen > 1) throw new UsageError('choose only one of --user, --sys-prefix, --prefix DIR');
  if (values.prefix === '') throw new UsageError('--prefix needs a directory');
  if (values.prefix !== undefined) return { kind: 'prefix', dir: values.prefix };
  return values['sys-prefix'] ? { kind: 'sys-prefix' } : { kind: 'user' };
}
