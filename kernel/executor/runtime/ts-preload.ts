/**
 * Imported first by main.ts, before anything that imports TypeScript: loads it
 * from the code cache (ts-code-cache.ts). A module of its own because imports
 * run before the body of the module that imports them.
 */
import { preloadTypeScript } from './ts-code-cache.js';

preloadTypeScript();
