// Goal: the dashboard, served by the real lab and opened in real headless Chromium, shows every panel from a sim run, draws its charts, survives the server going away and coming back, takes the bench's event rate without losing a fill (smoothness.test.ts; its frame rate under that load is bench/dashboard.bench.ts), and a foreign page cannot open its WebSocket.
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, watchErrors, type Chrome } from './browser.ts';
import { ensureDashboardBuilt, startLab, type Lab } from './lab.ts';
import type { TrustReport } from '../../src/analytics/trustReport.ts';

const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;
const PANELS = ['Feed Health', 'BTC reference', 'Markets', 'Paper Fills', 'Risk', 'Positions & PnL', 'Trust'];

let chrome: Chrome;
const labs: Lab[] = [];
const lab = async (args: string[], env?: Record<string, string>) => {
  const l = await startLab(args, env);
  labs.push(l);
  return l;
};

beforeAll(async () => {
  ensureDashboardBuilt();
  mkdirSync(ARTIFACTS, { recursive: true });
  chrome = await launchChromium();
}, 60_000);

afterAll(async () => {
  await Promise.all(labs.map((l) => l.stop()));
  await chrome?.close();
});

/** Pixels of a chart's pane (its largest canvas) within ±40 per channel of `rgb`: a series of that colour was drawn. */
function pixelsOf(page: Page, chart: string, colours: Array<[number, number, number]>): Promise<number> {
  return page.evaluate(
    ({ chart, colours }) => {
      const canvases = [...document.querySelectorAll<HTMLCanvasElement>(`[data-chart="${chart}"] canvas`)];
      const pane = canvases.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
      const data = pane.getContext('2d')!.getImageData(0, 0, pane.width, pane.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (
          colours.some(([r, g, b]) => Math.abs(data[i]! - r) <= 40 && Math.abs(data[i + 1]! - g) <= 40 && Math.abs(data[i + 2]! - b) <= 40)
        )
          n += 1;
      }
      return n;
    },
    { chart, colours },
  );
}

const fillRows = (page: Page) => page.locator('[data-panel="fills"] tbody tr td:not(.muted):first-child').count();

describe('dashboard in headless Chromium (sim at 10x)', () => {
  it('loads with no console error, shows every panel titled, the paper-trading label, no control, and fills within seconds', async () => {
    const l = await lab(['--mode', 'sim']);
    const page = await chrome.context.newPage();
    const errors = watchErrors(page);
    await page.goto(l.url);
    const titles = await page.locator('section.panel > h2').allTextContents();
    expect(titles).toEqual(PANELS);
    expect(await page.locator('.paper').textContent()).toBe('Paper trading — no order is ever sent');
    // Read-only page: nothing to click that could place, cancel or route an order.
    expect(await page.locator('button, form, input, select, textarea').count()).toBe(0);
    await expect.poll(() => fillRows(page), { timeout: 10_000, interval: 250 }).toBeGreaterThan(0);
    await expect.poll(() => page.locator('#conn').textContent()).toBe('live');
    expect(await page.locator('#run').textContent()).toContain('sim-7');
    expect(await page.locator('[data-panel="feed"] tbody tr').count()).toBeGreaterThanOrEqual(6);
    expect(await page.locator('[data-panel="markets"] tbody td').first().textContent()).toBe('15m');
    expect(await page.locator('[data-hint="offline"]').isVisible()).toBe(false);
    // Charts: the median (accent blue), equity (teal) and a reject line (first palette colours) are drawn.
    await expect.poll(() => pixelsOf(page, 'reference', [[41, 98, 255]]), { timeout: 10_000 }).toBeGreaterThan(50);
    await expect.poll(() => pixelsOf(page, 'equity', [[38, 166, 154]]), { timeout: 15_000 }).toBeGreaterThan(20);
    await expect
      .poll(
        () =>
          pixelsOf(page, 'risk', [
            [230, 25, 75],
            [60, 180, 75],
          ]),
        { timeout: 15_000 },
      )
      .toBeGreaterThan(20);
    await page.screenshot({ path: `${ARTIFACTS}dashboard.png`, fullPage: true });
    // The theme follows the system setting, charts included (dark panel: #171b21).
    const body = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(await body()).toBe('rgb(244, 245, 247)');
    expect(await pixelsOf(page, 'reference', [[23, 27, 33]])).toBeLessThan(1_000); // the TradingView logo is dark in both
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(body).toBe('rgb(15, 18, 22)');
    await expect.poll(() => pixelsOf(page, 'reference', [[23, 27, 33]])).toBeGreaterThan(10_000);
    await page.screenshot({ path: `${ARTIFACTS}dashboard-dark.png`, fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('in paper-live with no source reachable: every feed down with its reason, the --mode sim hint, and a basis not yet measured', async () => {
    // A loopback port nobody listens on stands for "no network" (tests never leave 127.0.0.1).
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const env: Record<string, string> = {
      POLYLAB_GAMMA_URL: `http://127.0.0.1:${port}`,
      POLYLAB_CLOB_URL: `http://127.0.0.1:${port}`,
      POLYLAB_CLOB_WS_URL: `ws://127.0.0.1:${port}`,
      POLYLAB_RTDS_URL: `ws://127.0.0.1:${port}`,
    };
    for (const v of ['COINBASE', 'KRAKEN', 'BITSTAMP', 'OKX', 'BYBIT', 'BINANCE']) env[`POLYLAB_${v}_WS_URL`] = `ws://127.0.0.1:${port}`;
    const l = await lab(['--mode', 'paper-live'], env);
    const page = await chrome.context.newPage();
    await page.goto(l.url);
    const hint = page.locator('[data-hint="offline"]');
    await expect.poll(() => hint.isVisible(), { timeout: 30_000, interval: 250 }).toBe(true);
    expect(await hint.textContent()).toContain('polylab run --mode sim');
    const states = await page.locator('[data-panel="feed"] tbody tr td:nth-child(2)').allTextContents();
    expect(states.length).toBeGreaterThanOrEqual(6);
    const reasons = await page.locator('[data-panel="feed"] tbody tr td:nth-child(3)').allTextContents();
    expect(reasons.slice(0, 6).every((r) => r.length > 0)).toBe(true);
    await expect
      .poll(() => page.locator('[data-panel="trust"] .stat:has(.k:text-is("basis")) .v').textContent(), { timeout: 15_000 })
      .toBe('not measured yet');
    await page.close();
  }, 60_000);

  it('shows a disconnected banner when the lab stops, and the new run once it is back, without a reload', async () => {
    const first = await lab(['--mode', 'sim', '--seed', '7']);
    const page = await chrome.context.newPage();
    const errors = watchErrors(page);
    await page.goto(first.url);
    await expect.poll(() => page.locator('#run').textContent()).toContain('sim-7');
    expect(await page.locator('#banner').isVisible()).toBe(false);
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    expect(await first.stop()).toBe(0);
    await expect.poll(() => page.locator('#banner').isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await page.locator('#banner').textContent()).toContain('Disconnected');
    const second = await lab(['--mode', 'sim', '--seed', '8', '--port', String(first.port)]);
    expect(second.port).toBe(first.port);
    await expect.poll(() => page.locator('#banner').isVisible(), { timeout: 15_000 }).toBe(false);
    await expect.poll(() => page.locator('#run').textContent()).toContain('sim-8');
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    // Failed reconnects while the lab was down are the browser's own network errors, not the page's.
    expect(errors.filter((e) => !e.includes('WebSocket connection to'))).toEqual([]);
    await page.close();
  }, 60_000);

  it('shows a finished run kept up by --serve: the snapshot carries it stopped, with its fills, and the Trust panel its /trust figures', async () => {
    const l = await lab(['--mode', 'sim', '--speed', 'max', '--duration', '20m', '--serve']);
    await expect.poll(() => l.stderr().includes('stay up'), { timeout: 15_000 }).toBe(true);
    expect(l.stdout()).toContain('summary');
    const page = await chrome.context.newPage();
    await page.goto(l.url);
    await expect.poll(() => page.locator('#run').textContent()).toContain('stopped at');
    expect(await fillRows(page)).toBeGreaterThan(0);
    // The Trust panel shows the stopped run's own /trust and /strategies figures.
    const { trust } = (await (await fetch(`${l.url}trust`)).json()) as { trust: TrustReport };
    const { strategies } = (await (await fetch(`${l.url}strategies`)).json()) as { strategies: Array<{ name: string; fills: number }> };
    expect(trust.fills).toBeGreaterThan(0);
    const stat = (label: string) => page.locator(`[data-panel="trust"] .stat:has(.k:text-is("${label}")) .v`).textContent();
    await expect.poll(() => stat('fills'), { timeout: 10_000 }).toBe(String(trust.fills));
    const money = (x: number) =>
      `${x > 0 ? '+' : ''}${x < 0 ? '-' : ''}$${Math.abs(x).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
    const fm = trust.fill_models.pnl;
    expect(await stat('PnL range')).toBe(`${money(fm.pessimistic)} .. ${money(fm.default)} .. ${money(fm.optimistic)}`);
    expect(await stat('tape confirmed')).toBe(
      `${(100 * trust.tape.confirmed_share!).toFixed(1)}% (${trust.tape.confirmed}/${trust.tape.unconfirmed}/${trust.tape.unknown})`,
    );
    const part = (title: string) => page.locator(`[data-panel="trust"] [data-part="${title}"] tbody tr`);
    expect(await part('markouts').count()).toBe(trust.markouts.length);
    expect(await part('markouts').first().locator('td').nth(2).textContent()).toBe(String(trust.markouts[0]!.fills));
    expect(await part('basis').count()).toBe(Math.max(1, trust.basis.sources.length));
    expect(await part('strategies').first().locator('td').first().textContent()).toBe(strategies[0]!.name);
    expect(await part('strategies').first().locator('td').nth(2).textContent()).toBe(String(strategies[0]!.fills));
    if (trust.calibration.length > 0)
      expect(await part('calibration').first().locator('td').nth(2).textContent()).toBe(String(trust.calibration[0]!.count));
    await page.screenshot({ path: `${ARTIFACTS}dashboard-trust.png`, fullPage: true });
    await page.close();
  }, 60_000);

  it('refuses a WebSocket opened by a page of another origin, and a page reached through a rebound name', async () => {
    const l = await lab(['--mode', 'sim']);
    // A foreign site on loopback: the browser resolves evil.example to 127.0.0.1, so its own
    // private-network rules do not step in and only the lab's guard decides.
    const foreign = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>elsewhere</title>'),
    );
    await new Promise<void>((r) => foreign.listen(0, '127.0.0.1', r));
    const evil = await launchChromium({ loopbackNames: ['evil.example'] });
    try {
      const page = await evil.context.newPage();
      await page.goto(`http://evil.example:${(foreign.address() as AddressInfo).port}/`);
      const outcome = await page.evaluate(
        (wsUrl) =>
          new Promise<string>((resolve) => {
            const ws = new WebSocket(wsUrl);
            ws.onopen = () => resolve('open');
            ws.onclose = (e) => resolve(`closed ${e.code}`);
          }),
        `ws://127.0.0.1:${l.port}/ws`,
      );
      expect(outcome).toBe('closed 1006');
      // DNS rebinding: the lab reached under a foreign name answers 403, not the dashboard.
      const rebound = await page.goto(`http://evil.example:${l.port}/`);
      expect(rebound?.status()).toBe(403);
    } finally {
      await evil.close();
      foreign.close();
    }
    // The lab itself refused both (not the browser): its guard counted them.
    const metrics = await (await fetch(`${l.url}metrics`)).text();
    expect(metrics).toMatch(/polylab_http_refused_total\{reason="origin"\} 1/);
    // At least the page; Chromium may ask for /favicon.ico under the same name too.
    expect(metrics).toMatch(/polylab_http_refused_total\{reason="host"\} [12]\n/);
  }, 60_000);
});
