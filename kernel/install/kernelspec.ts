/**
 * Writes and removes Loom's Jupyter kernelspec: a folder with kernel.json and
 * the logos. Done in Node rather than via `jupyter kernelspec install`, so
 * installing needs no Python.
 */
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kernelsDir, type Host, type Location, currentHost } from './locations.js';
import { packageRoot } from './package-root.js';
import { MALLOC_TUNING } from '../malloc-tuning.js';
import { KernelError } from '../errors.js';

export const DEFAULT_NAME = 'loom';
export const DEFAULT_DISPLAY_NAME = 'TypeScript (Loom)';
export const LOGOS = ['logo-32x32.png', 'logo-64x64.png', 'logo-svg.svg'] as const;

export interface SpecOptions {
  location: Location;
  name?: string;
  displayName?: string;
  host?: Host;
}

/** Bad user input (name, display name); the CLI reports it as a usage error. */
export class SpecInputError extends KernelError { readonly code = 'ERR_LOOM_SPEC_INPUT'; }

/**
 * Jupyter's own name rule, minus upper case (Jupyter lower-cases names, so
 * `Loom` and `loom` would collide). All-dot names are refused because
 * `kernels/..` would point outside the kernels folder.
 */
export function checkName(name: string): string {
  if (!/^[a-z0-9._-]+$/.test(name) || /^\.+$/.test(name)) {
    throw new SpecInputError(`invalid kernel name '${name}': use lowercase letters, digits, '-', '_' and '.' only`);
  }
  return name;
}

/** The folder a spec of this name lives in at this location. */
export function specDir({ location, name = DEFAULT_NAME, host = currentHost() }: SpecOptions): string {
  return join(kernelsDir(location, host), checkName(name));
}

/** kernel.json: this very node binary runs the compiled CLI, so no PATH lookup at launch. */
export function kernelJson(displayName: string = DEFAULT_DISPLAY_NAME): object {
  const cli = join(packageRoot(), 'dist', 'kernel', 'cli', 'main.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
  return {
    argv: [process.execPath, cli, 'kernel', '{connection_file}'],
    display_name: displayName,
    language: 'typescript',
    interrupt_mode: 'message',
    env: MALLOC_TUNING,
    metadata: { debugger: true },
  };
}

/** Installs (or replaces) the spec and returns its folder. Writes nothing outside it. */
export function installKernelspec(options: SpecOptions): string {
  if (options.displayName !== undefined && options.displayName.trim() === '') {
    throw new SpecInputError('the display name must not be empty');
  }
  const dir = specDir(options);
  const spec = kernelJson(options.displayName); // fail before touching the disk
  rmSync(dir, { recursive: true, force: true }); // replace, never merge with an old spec
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'kernel.json'), JSON.stringify(spec, null, 2) + '\n');
  const assets = join(packageRoot(), 'kernel', 'install', 'assets');
  for (const logo of LOGOS) copyFileSync(join(assets, logo), join(dir, logo));
  return dir;
}

/** Removes exactly the spec folder, if it is there. */
export function uninstallKernelspec(options: SpecOptions): { dir: string; removed: boolean } {
  const dir = specDir(options);
  if (!existsSync(dir)) return { dir, removed: false };
  rmSync(dir, { recursive: true, force: true });
  return { dir, removed: true };
}
