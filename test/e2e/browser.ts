/**
 * Real headless Chromium for the dashboard tests: Debian's `chromium` (CHROMIUM_PATH or
 * /usr/bin/chromium) driven by playwright-core, which downloads nothing. Each launch gets
 * a fresh profile directory, removed on close.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface Chrome {
  context: BrowserContext;
  close: () => Promise<void>;
}

/** playwright wants the fresh profile as a persistent context's directory, not as a flag. */
export interface LaunchOptions {
  colorScheme?: 'light' | 'dark';
  /** Names the browser resolves to 127.0.0.1 (`--host-resolver-rules`), for pages of a foreign origin on loopback. */
  loopbackNames?: string[];
}

export async function launchChromium(opts: LaunchOptions = {}): Promise<Chrome> {
  const profile = mkdtempSync(join(tmpdir(), 'polylab-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...(opts.loopbackNames?.length ? [`--host-resolver-rules=${opts.loopbackNames.map((n) => `MAP ${n} 127.0.0.1`).join(', ')}`] : []),
    ],
    viewport: { width: 1440, height: 1000 },
    colorScheme: opts.colorScheme ?? 'light',
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Collects console errors and uncaught page errors from the moment it is attached. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return errors;
}
