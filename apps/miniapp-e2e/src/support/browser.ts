import { execSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Browser, chromium } from 'playwright-core';

/** Debian's chromium, headless, with the network chatter this machine refuses turned off. */
export function launchChromium(): Promise<Browser> {
  const executablePath =
    process.env.CHROMIUM_PATH ||
    execSync('command -v chromium', { shell: '/bin/sh' }).toString().trim();
  return chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Where screenshots are kept for people to look at after the run. */
export function artifactPath(name: string): string {
  const dir = process.env.ARTIFACTS_DIR ?? resolve(__dirname, '../../../../artifacts');
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}
