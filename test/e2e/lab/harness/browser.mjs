// Debian's Chromium, headless, driven by playwright-core (which downloads no
// browser of its own). Each test file launches one, with a fresh profile that
// playwright removes at close; each page gets a fresh context, so pages share
// no storage.
import { chromium } from 'playwright-core';
import { CHROMIUM } from './paths.mjs';

const FLAGS = [
  '--no-sandbox', // CI runs as root, where Chromium's sandbox cannot start
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Only this machine exists: nothing the page asks for may leave it.
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1',
];

export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}
