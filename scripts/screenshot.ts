/**
 * `npm run screenshot`: runs the seeded sim at 10x, opens the dashboard in headless
 * Chromium (the browser tests' launcher) and writes docs/dashboard.png once a market
 * window has rolled over (SCREENSHOT_WAIT_S, default 100 s). The README shows that file.
 */
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../test/e2e/browser.ts';
import { ensureDashboardBuilt, startLab } from '../test/e2e/lab.ts';

const OUT = fileURLToPath(new URL('../docs/dashboard.png', import.meta.url));
const waitS = Number(process.env.SCREENSHOT_WAIT_S ?? 100);

ensureDashboardBuilt();
const lab = await startLab(['--mode', 'sim', '--seed', '7']);
const chrome = await launchChromium({ colorScheme: process.env.SCREENSHOT_SCHEME === 'dark' ? 'dark' : 'light' });
try {
  const page = await chrome.context.newPage();
  await page.goto(lab.url);
  await new Promise((r) => setTimeout(r, waitS * 1000));
  await page.screenshot({ path: OUT, fullPage: true });
  process.stdout.write(`wrote ${OUT}\n`);
} finally {
  await chrome.close();
  await lab.stop();
}
