/**
 * Debian's Chromium driven by playwright-core (never a browser download). `.ci/run` installs the
 * `chromium` package; on a developer machine without it the browser tests are skipped with the
 * reason, and in CI (CI=true) they run and fail instead, so a missing browser never passes quietly.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const chromiumPath = process.env.GATEHOUSE_CHROMIUM ?? '/usr/bin/chromium';

/** Why the browser tests cannot run here, or undefined when they must run. */
export function browserSkipReason(): string | undefined {
  if (existsSync(chromiumPath) || process.env.CI) return undefined;
  return `no Chromium at ${chromiumPath}: install Debian's chromium package (or set GATEHOUSE_CHROMIUM) to run the browser tests`;
}

export function launchChromium(): Promise<Browser> {
  // --no-sandbox: CI runs as root, where Chromium refuses its sandbox.
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}
